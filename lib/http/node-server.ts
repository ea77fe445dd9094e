import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";

/**
 * TRACE would have the server repeat the request back, cookies included; Next cannot build a
 * request object for it and answers 500 with a stack trace in the log. It is refused up front.
 * (Node's parser already answers 400 to TRACK and other unknown methods, and CONNECT never reaches
 * a request listener.)
 */
const REFUSED_METHODS = new Set(["TRACE"]);
const ALLOWED = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/**
 * The HTTP(S) server `scripts/server.ts` runs the app in. Node's strict parser (never
 * `insecureHTTPParser`) frames every request: a message with both Transfer-Encoding and
 * Content-Length, or two Content-Lengths, is refused with 400 before the app sees it. Slow clients
 * are cut off: headers within 20 s, the whole request within 60 s.
 */
export function createNodeServer(listener: http.RequestListener, tls?: https.ServerOptions): http.Server {
  const guarded: http.RequestListener = (req, res) => {
    if (REFUSED_METHODS.has(req.method ?? "")) {
      res.writeHead(405, { allow: ALLOWED, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end("Method not allowed.\n");
      return;
    }
    listener(req, res);
  };
  const server = tls ? https.createServer({ ...tls, insecureHTTPParser: false }, guarded) : http.createServer({ insecureHTTPParser: false }, guarded);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.on("clientError", answerClientError);
  return server;
}

/**
 * Requests Node's parser refuses (a body cut off before its Content-Length, malformed framing,
 * oversized headers, a timeout) get a sentence instead of Node's empty "400 Bad Request".
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || !socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const [status, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "The request's headers are too large for ChargeKeep to read."]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "The request took too long to arrive. Try again."]
        : [400, "ChargeKeep could not read this request: it was malformed or ended before it was complete."];
  const body = Buffer.from(message);
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${message}`,
  );
}

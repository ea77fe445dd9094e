/**
 * The app's HTTP(S) server for `npm run dev` and `npm start`.
 * - Serves HTTPS itself when TLS_CERT_FILE and TLS_KEY_FILE are set (TLS 1.2+, AEAD, forward secrecy).
 * - Stamps each request with the socket's address and a per-boot secret, so the app can know the
 *   client IP without trusting any header a client could send (see lib/http/client-ip.ts).
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import nextEnv from "@next/env";
import next from "next";
import { EDGE_IP_HEADER, EDGE_SECRET_HEADER } from "../lib/http/client-ip";
import { tlsServerOptions } from "../lib/tls/options";

const dev = process.argv.includes("--dev");
// Nothing may call out at run time: no telemetry.
process.env.NEXT_TELEMETRY_DISABLED = "1";
if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
nextEnv.loadEnvConfig(process.cwd(), dev);

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? (dev ? "localhost" : "0.0.0.0");
const edgeSecret = randomBytes(24).toString("base64url");
process.env.CK_EDGE_SECRET = edgeSecret;

const app = next({ dev, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const listener: http.RequestListener = (req, res) => {
  delete req.headers[EDGE_IP_HEADER];
  req.headers[EDGE_SECRET_HEADER] = edgeSecret;
  if (req.socket.remoteAddress) req.headers[EDGE_IP_HEADER] = req.socket.remoteAddress;
  void handle(req, res);
};

const { TLS_CERT_FILE, TLS_KEY_FILE } = process.env;
const server =
  TLS_CERT_FILE && TLS_KEY_FILE
    ? https.createServer(tlsServerOptions({ certFile: TLS_CERT_FILE, keyFile: TLS_KEY_FILE }), listener)
    : http.createServer(listener);

// Slow-client protection: a client must send its headers and body within these bounds.
server.headersTimeout = 20_000;
server.requestTimeout = 60_000;

// Requests Node's parser refuses (a body cut off before its Content-Length, malformed framing,
// oversized headers, a timeout) get a sentence instead of Node's empty "400 Bad Request".
server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
  if (err.code === "ECONNRESET" || !socket.writable || socket.bytesWritten > 0) return socket.destroy();
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
});

server.listen(port, hostname, () => {
  const scheme = TLS_CERT_FILE ? "https" : "http";
  console.log(`  ChargeKeep listening on ${scheme}://${hostname}:${port} (${dev ? "development" : "production"})`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}

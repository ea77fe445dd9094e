import net from "node:net";
import { E2E_PORT } from "./paths";

/**
 * HTTP/1.1 over a bare socket, for requests no well-behaved client sends: a Content-Length larger
 * than the body (then the connection half-closed), a chunked body of any size, bytes that are not
 * UTF-8, headers Playwright would normalise. One request per connection (Connection: close).
 */
export type RawRequest = {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
  /** Declare this Content-Length, send the body, then close our side: a body cut off mid-way. */
  declaredLength?: number;
};

export type RawResponse = { status: number; headers: Record<string, string>; body: string };

export function rawRequest(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(E2E_PORT, "localhost");
    const received: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      const parsed = parseResponse(Buffer.concat(received));
      if (parsed) resolve(parsed);
      else reject(new Error(`no HTTP response to ${r.method} ${r.path.slice(0, 80)} (${received.length} chunks)`));
    };
    socket.on("data", (d) => received.push(d));
    socket.on("end", finish);
    socket.on("close", finish);
    // The server may answer (413) and close before the whole body is sent: what arrived still counts.
    socket.on("error", () => finish());
    socket.setTimeout(90_000, () => socket.destroy());
    socket.on("connect", () => {
      const headers: Record<string, string> = { host: `localhost:${E2E_PORT}`, connection: "close", ...r.headers };
      if (r.body && r.chunked) headers["transfer-encoding"] = "chunked";
      else if (r.body) headers["content-length"] = String(r.declaredLength ?? r.body.length);
      const head = `${r.method} ${r.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
      socket.write(head, "latin1");
      if (r.body && r.chunked) {
        for (let i = 0; i < r.body.length; i += 64 * 1024) {
          const part = r.body.subarray(i, i + 64 * 1024);
          socket.write(`${part.length.toString(16)}\r\n`);
          socket.write(part);
          socket.write("\r\n");
        }
        socket.write("0\r\n\r\n");
      } else if (r.body) {
        socket.write(r.body);
      }
      if (r.declaredLength !== undefined) socket.end();
    });
  });
}

function parseResponse(raw: Buffer): RawResponse | null {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [statusLine, ...lines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1]);
  if (!status) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    if (i < 1) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    // Repeated headers (Set-Cookie) are kept, joined by a newline.
    headers[name] = headers[name] === undefined ? value : `${headers[name]}\n${value}`;
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = dechunk(body);
  return { status, headers, body: body.toString("utf8") };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** The words a person would read in a response: a JSON error's message, an HTML page's text, or plain text. */
export function readableText(res: RawResponse): string {
  const type = res.headers["content-type"] ?? "";
  if (type.startsWith("application/json") || type.startsWith("application/scim+json")) {
    try {
      // The app's JSON errors say it in error.message; SCIM's error schema (RFC 7644 §3.12) in detail.
      const json = JSON.parse(res.body) as { error?: { message?: unknown }; detail?: unknown };
      if (typeof json.detail === "string") return json.detail;
      return typeof json.error?.message === "string" ? json.error.message : "";
    } catch {
      return "";
    }
  }
  if (type.startsWith("text/html")) {
    return res.body
      .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, " ")
      .replace(/<[^>]+>/g, " ")
      .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
      .replace(/&[a-z]+;/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  }
  return res.body.trim();
}

/** Whether the text holds a sentence: three words or more, from a capital to a full stop (or ! / ?). */
export function hasSentence(text: string): boolean {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .some((s) => /^[A-Z]/.test(s) && /[.!?]$/.test(s) && s.split(/\s+/).length >= 3);
}

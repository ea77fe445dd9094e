import { AppError } from "@/lib/errors";
import { decodeUtf8, findTextFault } from "./boundary-text";

/** Route handlers take this much JSON unless they say otherwise (route({ maxBodyBytes })). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * proxy.ts refuses any request declaring a larger body before it reaches the app (and Next buffers
 * no more than this for the proxy: next.config proxyClientMaxBodySize). Server actions have their
 * own, lower cap (MAX_ACTION_BODY_BYTES in lib/http/page-post.ts, next.config serverActions).
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Reads a request body as UTF-8 text but stops at `max` bytes, whatever Content-Length claims. */
export async function readBodyLimited(req: Request, max = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  // The declared length is checked first (cheap), then what actually arrives: a client may lie or send chunked.
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw tooLarge(max);
  if (!req.body) return "";
  let bytes: Buffer | null;
  try {
    bytes = await readStreamLimited(req.body, max);
  } catch {
    // The client closed the connection mid-body: its fault, not a server error.
    throw new AppError("incomplete_body", 400, "The request body ended before it was complete (the connection was cut off). Send it again.");
  }
  if (!bytes) throw tooLarge(max);
  // Bytes that are not UTF-8 would otherwise become U+FFFD silently: refuse them instead.
  const text = decodeUtf8(bytes);
  if (text === null) throw new AppError("bad_request", 400, "The request body is not valid UTF-8 text.");
  return text;
}

/** A whole stream, or null (the stream cancelled) once more than `max` bytes arrive: memory stays bounded. */
export async function readStreamLimited(stream: ReadableStream<Uint8Array>, max: number): Promise<Buffer | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

function tooLarge(max: number) {
  return new AppError("payload_too_large", 413, `The request body is larger than ${formatSize(max)}, the most this endpoint accepts. Send less data.`);
}

const isJson = (req: Request) => (req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json");
const unsupportedType = () => new AppError("unsupported_media_type", 415, "Send the request body as JSON (Content-Type: application/json).");

export async function readJsonBody(req: Request, max?: number): Promise<unknown> {
  if (!isJson(req)) throw unsupportedType();
  const text = await readBodyLimited(req, max);
  if (!text.trim()) throw new AppError("bad_request", 400, "The request body is empty; JSON was expected.");
  return parseJsonText(text);
}

function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", 400, "The request body is not valid JSON.");
  }
  // "\u0000" and lone "\ud800" escapes are valid JSON but not storable text (lib/http/boundary-text.ts).
  const fault = findTextFault(value);
  if (fault) throw new AppError("validation_failed", 422, "Some fields need attention.", { [fault.path || "_"]: fault.message });
  return value;
}

/**
 * For a route without a body schema: a request that carries a body anyway must still be a
 * well-formed JSON body within the limits, which is then ignored. So junk never reaches a handler
 * that ignores it (a junk POST to sign-out does not sign anyone out), while no body, or `{}` from
 * our own clients, stays fine.
 */
export async function refuseMalformedBody(req: Request, max?: number): Promise<void> {
  if (!req.body || req.method === "GET" || req.method === "HEAD") return;
  const text = await readBodyLimited(req, max);
  if (text === "") return;
  if (!isJson(req)) throw unsupportedType();
  parseJsonText(text);
}

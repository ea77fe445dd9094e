import { AppError } from "@/lib/errors";

/** Route handlers take this much JSON unless they say otherwise (route({ maxBodyBytes })). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * proxy.ts refuses any request declaring a larger body before it reaches the app. Server actions
 * have their own, lower cap (next.config serverActions.bodySizeLimit, 256 KB).
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Reads a request body but stops at `max` bytes, whatever Content-Length claims. */
export async function readBodyLimited(req: Request, max = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  // The declared length is checked first (cheap), then what actually arrives: a client may lie or send chunked.
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw tooLarge(max);
  if (!req.body) return "";
  const bytes = await readStreamLimited(req.body, max);
  if (!bytes) throw tooLarge(max);
  return bytes.toString("utf8");
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

export async function readJsonBody(req: Request, max?: number): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type", 415, "Send the request body as JSON (Content-Type: application/json).");
  }
  const text = await readBodyLimited(req, max);
  if (!text.trim()) throw new AppError("bad_request", 400, "The request body is empty; JSON was expected.");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", 400, "The request body is not valid JSON.");
  }
}

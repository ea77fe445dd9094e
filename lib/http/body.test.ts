import { describe, expect, it } from "vitest";
import { route } from "./route";
import { readJsonBody } from "./body";
import { z } from "zod";

const json = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://localhost:3000/api/x", { method: "POST", body, headers: { "content-type": "application/json", ...headers }, duplex: "half" } as RequestInit);

/** A body streamed in chunks with no Content-Length: only counting what arrives can catch it. */
function streamed(totalBytes: number, chunk = 16 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const n = Math.min(chunk, totalBytes - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(32));
    },
  });
}

describe("request body limits (route handlers)", () => {
  it("V2.4.1 refuses a declared Content-Length over the cap before reading, with a readable 413", async () => {
    const e = await readJsonBody(json("{}", { "content-length": String(65 * 1024) })).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 413, code: "payload_too_large", message: "The request body is larger than 64 KB, the most this endpoint accepts. Send less data." });
  });

  it("V2.4.1 stops a streamed body that lies about (or omits) its length once it passes the cap", async () => {
    await expect(readJsonBody(json(streamed(200 * 1024)))).rejects.toMatchObject({ status: 413 });
    await expect(readJsonBody(json(streamed(10 * 1024), { "content-length": "10" }), 4 * 1024)).rejects.toMatchObject({ status: 413, message: /larger than 4 KB/ });
  });

  it("V2.4.1 route() answers 413 JSON with the message, and takes a body under its own cap", async () => {
    const handler = route({ auth: false, body: z.object({ a: z.string() }), maxBodyBytes: 1024 }, ({ body }) => Response.json({ got: body.a.length }));
    const res = await handler(json(JSON.stringify({ a: "x".repeat(2000) })));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: "payload_too_large", message: "The request body is larger than 1 KB, the most this endpoint accepts. Send less data." } });
    const ok = await handler(json(JSON.stringify({ a: "x".repeat(500) })));
    expect(await ok.json()).toEqual({ got: 500 });
  });
});

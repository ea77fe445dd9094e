import { describe, expect, it } from "vitest";
import { route } from "@/lib/gate";
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

describe("request body text (route handlers)", () => {
  it("V1.1.1 V2.2.1 refuses a body that is not UTF-8 with a 400 instead of reading replacement characters", async () => {
    await expect(readJsonBody(json(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])))).rejects.toMatchObject({ status: 400, message: "The request body is not valid UTF-8 text." });
    await expect(readJsonBody(json(Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22])))).rejects.toMatchObject({ status: 400 });
  });

  it("V2.2.1 refuses JSON escapes for a NUL or a lone surrogate with a 422 naming the field", async () => {
    await expect(readJsonBody(json('{"user":{"name":"a\\u0000"}}'))).rejects.toMatchObject({ status: 422, fieldErrors: { "user.name": expect.stringMatching(/NUL/) } });
    await expect(readJsonBody(json('["\\ud800"]'))).rejects.toMatchObject({ status: 422, fieldErrors: { "0": expect.stringMatching(/broken character/) } });
    await expect(readJsonBody(json('{"name":"Zo\\u00eb \\ud83d\\ude00"}'))).resolves.toEqual({ name: "Zoë 😀" });
  });

  it("V4.2.1 V16.5.3 a body cut off mid-stream is the client's 400, not a server error", async () => {
    let sent = false;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("aborted"));
        sent = true;
        controller.enqueue(new TextEncoder().encode('{"a":'));
      },
    });
    await expect(readJsonBody(json(broken))).rejects.toMatchObject({ status: 400, code: "incomplete_body" });
    const handler = route({ auth: false, body: z.object({ a: z.string() }) }, () => Response.json({ ok: true }));
    const res = await handler(json('{"a":"x\\u0000"}'));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed", fields: { a: expect.stringMatching(/NUL/) } } });
  });
});

describe("a route without a body schema", () => {
  it("V2.2.1 V4.1.1 still refuses a junk body (so it never reaches a handler that ignores it) and takes none, or {}", async () => {
    let calls = 0;
    const handler = route({ auth: false }, () => {
      calls++;
      return Response.json({ ok: true });
    });
    const post = (body: BodyInit | undefined, headers: Record<string, string>) => new Request("http://localhost:3000/api/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
    expect((await handler(post("garbage", { "content-type": "text/plain" }))).status).toBe(415);
    expect((await handler(post("{", { "content-type": "application/json" }))).status).toBe(400);
    expect((await handler(post('{"a":"\\u0000"}', { "content-type": "application/json" }))).status).toBe(422);
    expect((await handler(post("x".repeat(70 * 1024), { "content-type": "application/json" }))).status).toBe(413);
    expect(calls).toBe(0);
    expect((await handler(post(undefined, {}))).status).toBe(200);
    expect((await handler(post("{}", { "content-type": "application/json" }))).status).toBe(200);
    expect(calls).toBe(2);
  });
});


import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bankFetch, isConnectionReset } from "./retry-fetch";

/** A bank endpoint whose first request of each test dies with a reset connection, as a stale keep-alive socket does. */
let server: http.Server;
let base: string;
let seen: string[] = [];
let resetNext = true;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.method!);
    req.resume();
    if (resetNext) {
      resetNext = false;
      req.socket.resetAndDestroy();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, method: req.method }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  resetNext = true;
});

describe("calls to a bank after a reset connection (lib/banking/retry-fetch.ts)", () => {
  it("V16.5.2 a GET (discovery, FDX reads) is retried once and succeeds", async () => {
    const res = await bankFetch(`${base}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, method: "GET" });
    expect(seen).toEqual(["GET", "GET"]);
  });

  it("V16.5.2 a POST (the token endpoint) is never retried: the reset reaches the caller, and the bank saw it once", async () => {
    const failure = await bankFetch(`${base}/token`, { method: "POST", body: "grant_type=refresh_token&refresh_token=x" }).catch((e: unknown) => e);
    expect(isConnectionReset(failure)).toBe(true);
    expect(seen).toEqual(["POST"]);
  });

  it("V16.5.2 a GET is retried once only: two resets in a row are a real failure", async () => {
    server.once("request", () => (resetNext = true)); // the retry is reset too
    const failure = await bankFetch(`${base}/accounts`).catch((e: unknown) => e);
    expect(isConnectionReset(failure)).toBe(true);
    expect(seen).toEqual(["GET", "GET"]);
  });

  it("V16.5.2 a GET whose caller gave up is not retried", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(bankFetch(`${base}/accounts`, { signal: controller.signal })).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseNonReadOnStaticFiles } from "./static-methods";

let server: http.Server;
let origin: string;

beforeAll(async () => {
  // Stands in for Next: answers 200 to whatever the guard lets through.
  server = http.createServer((req, res) => {
    if (!refuseNonReadOnStaticFiles(req, res)) res.end("next");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("scripts/server.ts static files", () => {
  it("V4.1.4 answers OPTIONS, POST and DELETE on /_next/static/ with 405 and Allow: GET, HEAD, not a server error", async () => {
    for (const method of ["OPTIONS", "POST", "DELETE", "PUT", "PATCH"]) {
      const res = await fetch(`${origin}/_next/static/chunks/app.js`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
    }
  });

  it("V4.1.4 lets GET and HEAD on static files, and every method elsewhere, through to Next", async () => {
    expect((await fetch(`${origin}/_next/static/chunks/app.js`)).status).toBe(200);
    expect((await fetch(`${origin}/_next/static/chunks/app.js`, { method: "HEAD" })).status).toBe(200);
    expect(await (await fetch(`${origin}/api/ping`, { method: "OPTIONS" })).text()).toBe("next");
  });
});

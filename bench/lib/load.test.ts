import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertAll2xx, RefusedLoadError, runLoad } from "./load";

let server: http.Server;
let origin: string;

beforeAll(async () => {
  // Answers /ok with 200 always, /limited with 200 for the first 20 requests and 429 after.
  let limited = 0;
  server = http.createServer((req, res) => {
    if (req.url === "/limited" && ++limited > 20) res.writeHead(429, { "retry-after": "60" }).end("slow down");
    else res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("bench/lib/load", () => {
  it("counts every status and accepts a run answered only with 2xx", async () => {
    const r = await runLoad({ url: `${origin}/ok`, connections: 2, durationS: 1 });
    expect(r.requests2xx).toBeGreaterThan(0);
    expect(Object.keys(r.statusCounts)).toEqual(["200"]);
    expect(() => assertAll2xx("ok", r)).not.toThrow();
  });

  it("refuses a run that measured refusals, naming the statuses", async () => {
    const r = await runLoad({ url: `${origin}/limited`, connections: 2, durationS: 1 });
    expect(r.statusCounts["429"]).toBeGreaterThan(0);
    expect(() => assertAll2xx("limited", r)).toThrow(RefusedLoadError);
    expect(() => assertAll2xx("limited", r)).toThrow(new RegExp(`INVALID RUN \\(limited, .*\\): ${r.non2xx} non-2xx answer\\(s\\) \\(${r.statusCounts["429"]} x 429\\)`));
  });
});

import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import IORedis from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { stubEnv } from "@/tests/env";
import { checkEdgeLimit, resetEdgeLimitsForTests, setSharedEdgeCounter } from "./edge";
import { edgeSharedTimeoutMs, registerSharedEdgeLimits, resetRateLimitsForTests } from "./index";

// CI always has Redis: these cases must fail, never skip, when it is missing.
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const inspector = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1_000, enableOfflineQueue: false });
inspector.on("error", () => {});
const API_LIMIT = 300; // policies["api-ip"], RATE_LIMIT_IP_MULTIPLIER=1

describe("edge per-IP limits shared through Redis", { timeout: 60_000 }, () => {
  let prefix: string;
  let unreachable: Error | undefined;
  beforeAll(async () => {
    await inspector.connect().catch((e: unknown) => {
      unreachable = new Error(`Redis is not reachable at ${REDIS_URL} (start it, or set REDIS_URL): ${String(e)}`);
    });
  });
  beforeEach(() => {
    if (unreachable) throw unreachable;
    prefix = `ck:rl:test:edge:${randomUUID()}`;
    stubEnv({ REDIS_URL, UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "", RATE_LIMIT_PREFIX: prefix, RATE_LIMIT_IP_MULTIPLIER: "1" });
    resetRateLimitsForTests();
    resetEdgeLimitsForTests();
  });
  afterEach(async () => {
    setSharedEdgeCounter(undefined);
    resetEdgeLimitsForTests();
    resetRateLimitsForTests();
    if (unreachable) return;
    const keys = await inspector.keys(`${prefix}:*`);
    if (keys.length) await inspector.del(...keys);
  });
  afterAll(() => inspector.disconnect());

  it("V2.4.1 one address gets the limit once across instances, not once per instance", async () => {
    expect(registerSharedEdgeLimits()).toBe(true);
    const ip = "203.0.113.77";
    // Instance A answers the whole minute's allowance.
    for (let i = 0; i < API_LIMIT; i++) expect((await checkEdgeLimit("api-ip", ip, 1)).success).toBe(true);
    // Instance B: its own process memory has never seen the address (a fresh local count).
    resetEdgeLimitsForTests();
    const onB = await checkEdgeLimit("api-ip", ip, 1);
    expect(onB.success).toBe(false);
    expect(onB.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Another address is unaffected.
    expect((await checkEdgeLimit("api-ip", "203.0.113.78", 1)).success).toBe(true);
  });

  it("V2.4.1 without a shared store each process counts alone (the single-instance default)", async () => {
    stubEnv({ REDIS_URL: "", UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" });
    resetRateLimitsForTests();
    expect(registerSharedEdgeLimits()).toBe(false);
    for (let i = 0; i < API_LIMIT; i++) await checkEdgeLimit("api-ip", "203.0.113.90", 1);
    expect((await checkEdgeLimit("api-ip", "203.0.113.90", 1)).success).toBe(false);
    resetEdgeLimitsForTests();
    expect((await checkEdgeLimit("api-ip", "203.0.113.90", 1)).success).toBe(true);
  });

  it("V2.4.1 the in-memory first pass refuses a flood without a single call to the shared store", async () => {
    const counter = vi.fn(async () => null);
    setSharedEdgeCounter(counter);
    for (let i = 0; i < API_LIMIT; i++) await checkEdgeLimit("api-ip", "203.0.113.80", 1);
    expect(counter).toHaveBeenCalledTimes(API_LIMIT);
    for (let i = 0; i < 1_000; i++) expect((await checkEdgeLimit("api-ip", "203.0.113.80", 1)).success).toBe(false);
    expect(counter).toHaveBeenCalledTimes(API_LIMIT); // the flood stopped in memory
  });

  it("V16.5.2 V2.4.1 a Redis that does not answer fails open within the edge's budget, then is left alone for a while", async () => {
    // A server that accepts connections and never answers: the worst case for a request's latency.
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    try {
      stubEnv({ REDIS_URL: `redis://127.0.0.1:${port}` });
      resetRateLimitsForTests();
      registerSharedEdgeLimits();
      const started = performance.now();
      expect((await checkEdgeLimit("api-ip", "203.0.113.81", 1)).success).toBe(true);
      expect(performance.now() - started).toBeLessThan(edgeSharedTimeoutMs() + 500);
      const again = performance.now();
      for (let i = 0; i < 50; i++) expect((await checkEdgeLimit("api-ip", "203.0.113.81", 1)).success).toBe(true);
      expect(performance.now() - again).toBeLessThan(edgeSharedTimeoutMs()); // paused: no wait per request
    } finally {
      resetRateLimitsForTests();
      silent.close();
    }
  });
});

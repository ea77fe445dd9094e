import { randomUUID } from "node:crypto";
import IORedis from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stubEnv } from "@/tests/env";
import { hitEdgeLimit, resetEdgeLimitsForTests } from "./edge";
import { consume, enforce, policies, RateLimitedError, rateLimitStoreKind, resetRateLimitsForTests, type PolicyName } from "./index";
import { windowMs } from "./policies";

/**
 * Every policy, counted by the store this environment configures: the real Redis when REDIS_URL is
 * set (CI), the in-process store otherwise. Time is moved with a fake Date (both stores and
 * @upstash/ratelimit compute windows from Date.now(); timers stay real for the Redis client).
 */
const REDIS_URL = process.env.REDIS_URL ?? "";
const storeName = REDIS_URL ? "redis" : "memory";
let prefix = "";

const inspector = REDIS_URL ? new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true }) : null;
inspector?.on("error", () => {});

beforeEach(() => {
  prefix = `ck:rl:test:${randomUUID()}`;
  stubEnv({ REDIS_URL, UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "", RATE_LIMIT_PREFIX: prefix, RATE_LIMIT_IP_MULTIPLIER: "1" });
  resetRateLimitsForTests();
  resetEdgeLimitsForTests();
  vi.useFakeTimers({ toFake: ["Date"] });
  // The start of a window, so "the next window" is a whole window away.
  vi.setSystemTime(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 86_400_000);
});
afterEach(async () => {
  vi.useRealTimers();
  resetRateLimitsForTests();
  if (inspector) {
    const keys = await inspector.keys(`${prefix}:*`);
    if (keys.length) await inspector.del(...keys);
  }
});
afterAll(() => inspector?.disconnect());

const names = Object.keys(policies) as PolicyName[];

describe(`every rate-limit policy (${storeName} store)`, () => {
  it("V2.4.1 counts in the configured store", () => {
    expect(rateLimitStoreKind()).toBe(storeName);
  });

  it.each(names)("V2.4.1 V6.3.1 %s allows exactly its limit, then denies until the window has passed", async (name) => {
    const policy = policies[name];
    const id = `${name}-${randomUUID()}`;
    const results = [];
    for (let i = 0; i < policy.limit; i++) results.push(await consume(name, id));
    expect(results.every((r) => r.success), `first ${policy.limit} allowed`).toBe(true);
    const denied = await consume(name, id);
    expect(denied).toMatchObject({ success: false, limit: policy.limit, remaining: 0, degraded: false });
    expect(denied.retryAfterSeconds).toBeGreaterThan(0);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(windowMs(policy.window) / 1000);
    // someone else is not affected
    expect((await consume(name, `${id}-other`)).success).toBe(true);

    // The sliding window still weighs the previous window; two windows later it is forgotten.
    vi.setSystemTime(Date.now() + 2 * windowMs(policy.window));
    expect((await consume(name, id)).success).toBe(true);
  });

  it("V2.4.1 enforce() throws a 429 whose message says how long to wait", async () => {
    const id = randomUUID();
    for (let i = 0; i < policies["sign-up-ip"].limit; i++) await enforce("sign-up-ip", id);
    const e = await enforce("sign-up-ip", id).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e).toMatchObject({ status: 429, code: "rate_limited", message: /^Too many new accounts from this network\. Wait 1 hour and try again\.$/ });
  });

  it("V2.4.1 holds exactly under concurrency: 50 simultaneous attempts against a limit of 20", async () => {
    const id = randomUUID();
    const all = await Promise.all(Array.from({ length: 50 }, () => consume("sign-in-ip", id)));
    expect(all.filter((r) => r.success)).toHaveLength(policies["sign-in-ip"].limit);
  });

  it("V2.4.1 RATE_LIMIT_IP_MULTIPLIER raises per-IP limits only", async () => {
    stubEnv({ RATE_LIMIT_IP_MULTIPLIER: "3" });
    const ip = randomUUID();
    let allowed = 0;
    while ((await consume("sign-up-ip", ip)).success) allowed++;
    expect(allowed).toBe(policies["sign-up-ip"].limit * 3);
    const account = randomUUID();
    let perAccount = 0;
    while ((await consume("password-reset-account", account)).success) perAccount++;
    expect(perAccount).toBe(policies["password-reset-account"].limit);
  });
});

describe("the proxy's own per-IP counters (global-ip, api-ip)", () => {
  it("V2.4.1 limit at their number and recover after the window, per address", () => {
    for (const name of ["global-ip", "api-ip"] as const) {
      const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
      const { limit } = policies[name];
      for (let i = 0; i < limit; i++) expect(hitEdgeLimit(name, ip, 1).success).toBe(true);
      const denied = hitEdgeLimit(name, ip, 1);
      expect(denied).toMatchObject({ success: false, remaining: 0, limit });
      expect(denied.retryAfterSeconds).toBeGreaterThan(0);
      expect(hitEdgeLimit(name, "198.51.100.1", 1).success).toBe(true);
      vi.setSystemTime(Date.now() + 2 * windowMs(policies[name].window));
      expect(hitEdgeLimit(name, ip, 1).success).toBe(true);
    }
  });
});

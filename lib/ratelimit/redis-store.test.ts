import { createHash, randomUUID } from "node:crypto";
import IORedis from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { stubEnv } from "@/tests/env";
import { consume, enforce, RateLimitedError, rateLimitStoreKind, resetRateLimitsForTests } from "./index";
import { IoredisScriptAdapter } from "./redis-adapter";

// CI always has Redis: these cases must fail, never skip, when it is missing.
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const inspector = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1_000, enableOfflineQueue: false });
inspector.on("error", () => {}); // beforeAll reports an unreachable Redis once, by name
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

describe("rate limiting, Redis store (REDIS_URL)", () => {
  // A prefix per test, so runs against a shared Redis never see each other's counters.
  let prefix: string;
  let unreachable: Error | undefined;
  beforeAll(async () => {
    await inspector.connect().catch((e: unknown) => {
      unreachable = new Error(`Redis is not reachable at ${REDIS_URL} (start it, or set REDIS_URL): ${String(e)}`);
    });
  });
  beforeEach(() => {
    // Thrown per test so each one reports as failed, not skipped.
    if (unreachable) throw unreachable;
    prefix = `ck:rl:test:${randomUUID()}`;
    stubEnv({ REDIS_URL, UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "", RATE_LIMIT_PREFIX: prefix });
    resetRateLimitsForTests();
  });
  afterEach(async () => {
    resetRateLimitsForTests();
    if (unreachable) return;
    const keys = await inspector.keys(`${prefix}:*`);
    if (keys.length) await inspector.del(...keys);
  });
  afterAll(() => inspector.disconnect());

  it("V2.4.1 uses Redis when REDIS_URL is set", () => {
    expect(rateLimitStoreKind()).toBe("redis");
  });

  it("V6.3.1 denies after the limit, counted in Redis through @upstash/ratelimit", async () => {
    const session = randomUUID();
    for (let i = 0; i < 5; i++) {
      expect(await consume("mfa-verify-session", session)).toMatchObject({ success: true, remaining: 4 - i, degraded: false });
    }
    const denied = await consume("mfa-verify-session", session);
    expect(denied).toMatchObject({ success: false, limit: 5, remaining: 0, degraded: false });
    expect(denied.retryAfterSeconds).toBeGreaterThan(0);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(300);
    await expect(enforce("mfa-verify-session", session)).rejects.toBeInstanceOf(RateLimitedError);
    // Another session is untouched.
    expect((await consume("mfa-verify-session", randomUUID())).success).toBe(true);
  });

  it("V14.2.2 stores only a SHA-256 of the identifier, never the raw session id", async () => {
    const session = `raw-session-${randomUUID()}`;
    await consume("mfa-verify-session", session);
    const keys = await inspector.keys(`${prefix}:*`);
    expect(keys).toHaveLength(1);
    const hashed = createHash("sha256").update(session).digest("hex");
    expect(keys[0]).toMatch(new RegExp(`^${prefix}:mfa-verify-session:${hashed}:\\d+$`));
    expect(keys.join()).not.toContain(session);
  });

  it("V2.4.1 the adapter strips the allow-key-locking shebang and maps the SDK's script hash", async () => {
    const script = `#!lua flags=allow-key-locking\nreturn {tonumber(ARGV[1]) + 1, KEYS[1]}`;
    const adapter = new IoredisScriptAdapter(async () => inspector);
    // The SDK first tries its own hash; unknown to Redis, that must come back as NOSCRIPT.
    await expect(adapter.evalsha(sha1(script), ["k"], [1])).rejects.toThrow(/NOSCRIPT/);
    expect(await adapter.eval(script, ["k"], [41])).toEqual([42, "k"]);
    // Redis now holds the stripped script; the SDK's hash reaches it through the adapter.
    const stripped = script.replace(/^#!lua[^\n]*\n/, "");
    expect(await inspector.script("EXISTS", sha1(stripped))).toEqual([1]);
    expect(await adapter.evalsha(sha1(script), ["k"], [1])).toEqual([2, "k"]);
  });
});

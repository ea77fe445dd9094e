import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useFakeClock } from "@/lib/clock";
import { stubEnv } from "@/tests/env";
import { consume, enforce, RateLimitedError, rateLimitStoreKind, resetRateLimitsForTests } from "./index";

const MINUTE = 60_000;

describe("rate limiting, in-memory store (single instance)", () => {
  beforeEach(() => {
    // CI sets REDIS_URL; these cases are about the in-process store.
    stubEnv({ REDIS_URL: "", UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" });
    resetRateLimitsForTests();
  });
  afterEach(() => resetRateLimitsForTests());

  it("V2.4.1 is the default store when no Redis is configured", () => {
    expect(rateLimitStoreKind()).toBe("memory");
  });

  it("V6.3.1 allows the policy's limit, then denies with the time left in the window", async () => {
    const clock = useFakeClock(new Date("2026-03-02T10:00:00Z"));
    const session = randomUUID();
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await consume("mfa-verify-session", session);
      expect(r).toMatchObject({ success: true, limit: 5, degraded: false, retryAfterSeconds: 0 });
      remaining.push(r.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);

    clock.advance(MINUTE);
    const denied = await consume("mfa-verify-session", session);
    expect(denied).toMatchObject({ success: false, remaining: 0, degraded: false });
    // 10:00 starts a 5-minute window ending at 10:05; one minute in, four are left.
    expect(denied.resetAt).toBe(new Date("2026-03-02T10:05:00Z").getTime());
    expect(denied.retryAfterSeconds).toBe(240);
  });

  it("V6.3.1 recovers once the window has passed", async () => {
    const clock = useFakeClock(new Date("2026-03-02T10:00:00Z"));
    const session = randomUUID();
    for (let i = 0; i < 5; i++) await consume("mfa-verify-session", session);
    expect((await consume("mfa-verify-session", session)).success).toBe(false);

    // Sliding window: just after the boundary the previous window still weighs almost fully.
    clock.advance(5 * MINUTE + 1_000);
    expect((await consume("mfa-verify-session", session)).success).toBe(true);
    expect((await consume("mfa-verify-session", session)).success).toBe(false);

    clock.advance(10 * MINUTE);
    const fresh = await consume("mfa-verify-session", session);
    expect(fresh).toMatchObject({ success: true, remaining: 4 });
  });

  it("V6.3.1 counts each identifier and each policy separately", async () => {
    useFakeClock();
    const [a, b] = [randomUUID(), randomUUID()];
    for (let i = 0; i < 5; i++) await consume("mfa-verify-session", a);
    expect((await consume("mfa-verify-session", a)).success).toBe(false);
    expect((await consume("mfa-verify-session", b)).success).toBe(true);
    expect((await consume("mfa-verify-user", a)).success).toBe(true);
  });

  it("V6.3.1 enforce() throws a 429 RateLimitedError telling the person how long to wait", async () => {
    const clock = useFakeClock(new Date("2026-03-02T10:00:00Z"));
    const user = randomUUID();
    for (let i = 0; i < 10; i++) await enforce("mfa-verify-user", user);
    clock.advance(61_000);
    const error = await enforce("mfa-verify-user", user).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: "rate_limited", status: 429, limit: 10, remaining: 0, retryAfterSeconds: 839 });
    expect((error as RateLimitedError).message).toBe("Too many verification attempts. Wait 14 minutes and try again.");
  });
});

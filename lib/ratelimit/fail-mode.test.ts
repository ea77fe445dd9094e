import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stubEnv } from "@/tests/env";
import { consume, enforce, RateLimitedError, rateLimitStoreKind, resetRateLimitsForTests } from "./index";
import { policies } from "./policies";
import { UpstashStore } from "./upstash-store";

const noRedis = { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" };

describe("rate limiting when the store is down", () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    resetRateLimitsForTests();
    warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    resetRateLimitsForTests();
    warn.mockRestore();
  });

  it("V16.5.2 Redis refusing connections: a closed policy denies, an open one allows, both degraded", async () => {
    stubEnv({ ...noRedis, REDIS_URL: "redis://127.0.0.1:1" });
    const id = `session-${randomUUID()}`;
    const started = Date.now();
    expect(await consume("mfa-verify-session", id)).toMatchObject({ success: false, degraded: true, remaining: 0, retryAfterSeconds: 60 });
    expect(await consume("passkey-sign-in-ip", id)).toMatchObject({ success: false, degraded: true });
    expect(await consume("recovery-email-user", id)).toMatchObject({ success: true, degraded: true, retryAfterSeconds: 0 });
    expect(Date.now() - started).toBeLessThan(3_000);

    // One line per degraded decision, naming the policy but never the identifier.
    expect(warn).toHaveBeenCalledTimes(3);
    const lines = warn.mock.calls.map((c: unknown[]) => String(c[0]));
    expect(lines[0]).toMatch(/\[ratelimit\] redis store unavailable .*policy mfa-verify-session fails closed: denied/);
    expect(lines[2]).toMatch(/policy recovery-email-user fails open: allowed/);
    for (const line of lines) expect(line).not.toContain(id);
  });

  it("V16.5.2 enforce() on a closed policy says the check is temporarily unavailable", async () => {
    stubEnv({ ...noRedis, REDIS_URL: "redis://127.0.0.1:1" });
    const error = await enforce("mfa-verify-user", randomUUID()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 60 });
    expect((error as Error).message).toMatch(/can't check .* right now.*Try again in a minute/);
    await expect(enforce("recovery-email-user", randomUUID())).resolves.toMatchObject({ success: true, degraded: true });
  });

  it("V16.5.2 a Redis that accepts connections but never answers fails closed within seconds", async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => void sockets.push(s)); // reads nothing, replies nothing
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      stubEnv({ ...noRedis, REDIS_URL: `redis://127.0.0.1:${port}` });
      const started = Date.now();
      expect(await consume("mfa-enrol-user", randomUUID())).toMatchObject({ success: false, degraded: true });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      resetRateLimitsForTests();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("V16.5.2 Upstash REST unreachable: the REST store is chosen and a closed policy denies", async () => {
    stubEnv({ REDIS_URL: "", UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1", UPSTASH_REDIS_REST_TOKEN: "test-token" });
    expect(rateLimitStoreKind()).toBe("upstash");
    expect(await consume("passkey-sign-in-ip", randomUUID())).toMatchObject({ success: false, degraded: true });
    expect(await consume("recovery-email-user", randomUUID())).toMatchObject({ success: true, degraded: true });
  });

  it("V16.5.2 @upstash/ratelimit's fail-open timeout becomes an error the policy decides on", async () => {
    const hanging = { evalsha: () => new Promise<never>(() => {}), eval: () => new Promise<never>(() => {}) };
    const store = new UpstashStore({ kind: "redis", redis: hanging, prefix: "ck:rl:test", timeoutMs: 50 });
    await expect(store.limit("mfa-verify-session", policies["mfa-verify-session"], "h")).rejects.toThrow(/timed out/);
  });
  it("V16.5.2 Redis down: sign-in, sign-up, password reset, MFA, bank connects, SFTP sign-in and SCIM token guesses fail closed; reading, contact, exports, sync requests and a valid SCIM token's provisioning fail open", async () => {
    stubEnv({ ...noRedis, REDIS_URL: "redis://127.0.0.1:1" });
    const closed = ["sign-in-ip", "sign-in-account", "passkey-sign-in-ip", "sso-start-ip", "sign-up-ip", "password-reset-ip", "password-reset-account", "mfa-verify-session", "mfa-verify-user", "mfa-enrol-user", "bank-connect-user", "sftp-auth-ip", "sftp-auth-key", "scim-auth-ip"] as const;
    // audit-denied-user: with the store away, a refused request is still recorded (the dedup still holds).
    const open = ["global-ip", "api-ip", "contact-ip", "export-user", "recovery-email-user", "bank-sync-user", "scim-token", "audit-denied-user"] as const;
    for (const name of closed) {
      expect(policies[name].failMode, name).toBe("closed");
      expect(await consume(name, randomUUID()), name).toMatchObject({ success: false, degraded: true });
    }
    for (const name of open) {
      expect(policies[name].failMode, name).toBe("open");
      expect(await consume(name, randomUUID()), name).toMatchObject({ success: true, degraded: true });
    }
    // every policy is in one of the two lists above
    expect(new Set<string>([...closed, ...open])).toEqual(new Set(Object.keys(policies)));
  });
});

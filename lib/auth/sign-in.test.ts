import { beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { webauthnCredentials } from "@/db/schema";
import { isRateLimitedError, resetRateLimitsForTests } from "@/lib/ratelimit";
import { expectAudited } from "@/tests/audit";
import { makeUser } from "@/tests/factories";
import { validateSessionToken } from "./session";
import { INVALID_CREDENTIALS, signIn } from "./sign-in";


const meta = { ip: "198.51.100.4", userAgent: "vitest" };

/**
 * The memory store, whatever the run's REDIS_URL: these scenarios move lib/clock through hours of
 * waits, which only the memory store follows (lib/ratelimit's own tests exercise Redis).
 */
function useMemoryRateLimits() {
  vi.stubEnv("REDIS_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "");
  resetEnvCache();
  resetRateLimitsForTests();
}

describe("sign-in", () => {
  beforeEach(useMemoryRateLimits);

  it("V6.3.8 unknown e-mail and wrong password give the same answer after the same argon2 work", async () => {
    const { email } = await makeUser();
    // Count argon2 verifications through a fresh module graph (test files share modules).
    const real = await vi.importActual<typeof import("@node-rs/argon2")>("@node-rs/argon2");
    const verify = vi.fn(real.verify);
    vi.resetModules();
    vi.doMock("@node-rs/argon2", () => ({ ...real, verify }));
    const { signIn } = await import("./sign-in");
    await signIn(getDb(), { email: "warm-up@example.test", password: "x", ...meta }); // builds the dummy hash once
    verify.mockClear();
    const wrong = await signIn(getDb(), { email, password: "wrong-password-entirely", ...meta });
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockClear();
    const unknown = await signIn(getDb(), { email: "nobody-here@example.test", password: "wrong-password-entirely", ...meta });
    expect(verify).toHaveBeenCalledTimes(1); // against the dummy hash
    expect(wrong).toEqual(unknown);
    expect(wrong).toEqual({ ok: false, code: "invalid_credentials", message: INVALID_CREDENTIALS });
    vi.doUnmock("@node-rs/argon2");
    vi.resetModules();
  });

  it("V7.2.4 creates a new session with a new token on every successful sign-in", async () => {
    const { email, password } = await makeUser();
    const a = await signIn(getDb(), { email, password, ...meta });
    const b = await signIn(getDb(), { email, password, ...meta });
    if (!a.ok || !b.ok) throw new Error("sign-in failed");
    expect(a.token).not.toBe(b.token);
    const ctx = await validateSessionToken(getDb(), a.token);
    expect(ctx?.user.email).toBe(email);
  });

  it("V7.2.4 signing in from a browser that holds a session revokes that session", async () => {
    const { email, password } = await makeUser();
    const first = await signIn(getDb(), { email, password, ...meta });
    if (!first.ok) throw new Error("sign-in failed");
    const second = await signIn(getDb(), { email, password, ...meta, previousToken: first.token });
    expect(second.ok).toBe(true);
    expect(await validateSessionToken(getDb(), first.token)).toBeNull();
  });

  it("V7.2.4 a failed sign-in leaves the browser's current session alone", async () => {
    const { email, password } = await makeUser();
    const first = await signIn(getDb(), { email, password, ...meta });
    if (!first.ok) throw new Error("sign-in failed");
    await signIn(getDb(), { email, password: "wrong-wrong-wrong-9", ...meta, previousToken: first.token });
    expect(await validateSessionToken(getDb(), first.token)).not.toBeNull();
  });

  it("V6.4.1 an unverified account is told to confirm its address only after the password is proven", async () => {
    const { email, password } = await makeUser({ verified: false });
    const wrong = await signIn(getDb(), { email, password: "not-the-password-1", ...meta });
    expect(wrong.ok === false && wrong.code).toBe("invalid_credentials");
    const right = await signIn(getDb(), { email, password, ...meta });
    expect(right.ok === false && right.code).toBe("email_unverified");
  });

  it("V6.3.3 the password alone gives a user with a second factor only an MFA-pending session", async () => {
    const { user, email, password } = await makeUser();
    const before = await signIn(getDb(), { email, password, ...meta });
    expect(before).toMatchObject({ ok: true, mfaRequired: false });
    await getDb().insert(webauthnCredentials).values({
      userId: user.id,
      credentialId: `cred-${user.id}`,
      publicKey: "AQID",
      deviceType: "singleDevice",
      name: "Test key",
    });
    const after = await signIn(getDb(), { email, password, ...meta });
    expect(after).toMatchObject({ ok: true, mfaRequired: true });
    if (!after.ok) throw new Error("unreachable");
    expect(await validateSessionToken(getDb(), after.token)).toBeNull();
    expect(await validateSessionToken(getDb(), after.token, "mfa_pending")).toMatchObject({ user: { id: user.id } });
  });

  it("V16.3.1 records a password-only sign-in with the address and device, and a failure against the claimed account", async () => {
    const { user, email, password, organizationId } = await makeUser();
    await signIn(getDb(), { email, password: "not the password at all", ...meta, requestId: "req-fail" });
    await expectAudited(getDb(), { action: "auth.sign_in_failed", organizationId, actorUserId: user.id, targetId: user.id, result: "failure", metadata: { reason: "wrong_password" } });
    await signIn(getDb(), { email, password, ...meta });
    const event = await expectAudited(getDb(), { action: "auth.sign_in", organizationId, actorUserId: user.id, result: "success", metadata: { method: "password" } });
    expect(event).toMatchObject({ ip: meta.ip, userAgent: meta.userAgent });
  });

  it("V6.3.1 V2.4.1 sign-in is throttled per account, whichever address the guesses come from", async () => {
    const { email, password } = await makeUser();
    let refused = 0;
    for (let i = 0; i < 12; i++) {
      try {
        await signIn(getDb(), { email, password: i === 11 ? password : `guess number ${i}`, ip: `198.51.100.${i + 20}`, userAgent: "vitest" });
      } catch (e) {
        if (!isRateLimitedError(e)) throw e;
        refused++;
      }
    }
    expect(refused).toBe(2); // the policy's 10 per 15 minutes; the right password is no exception
  });
});

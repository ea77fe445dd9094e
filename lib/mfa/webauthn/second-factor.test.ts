import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { webauthnCredentials } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { resetRateLimitsForTests } from "@/lib/ratelimit";
import { CHALLENGE_TTL_MS } from "./challenges";
import { secondFactorOptions, verifySecondFactor } from "./second-factor";
import { TestAuthenticator } from "@/tests/support/webauthn-authenticator";
import { meta, newSessionFor, registerWith, signedInUser } from "@/tests/support/webauthn";

beforeEach(() => resetRateLimitsForTests());

/** A user with one security key, now at the second step of a sign-in (MFA-pending session). */
async function userWithKey() {
  const u = await signedInUser();
  const authenticator = new TestAuthenticator();
  const key = await registerWith(u.ctx, authenticator);
  const pending = await newSessionFor(u.user.id, u.organizationId, { stage: "mfa_pending" });
  return { ...u, authenticator, key, pending };
}

const storedKey = async (id: string) => (await getDb().select().from(webauthnCredentials).where(eq(webauthnCredentials.id, id)))[0]!;

describe("security key or passkey as the second factor", () => {
  it("V6.3.3 options offer only this user's keys, and the answer verifies; counter and last use are recorded", async () => {
    const { authenticator, key, pending } = await userWithKey();
    await registerWith((await signedInUser()).ctx, new TestAuthenticator()); // someone else's key exists too
    const options = await secondFactorOptions(getDb(), pending.ctx);
    const mine = await storedKey(key.id);
    expect(options.allowCredentials).toEqual([{ id: mine.credentialId, transports: ["usb"], type: "public-key" }]);
    expect(options.rpId).toBe("localhost");

    await verifySecondFactor(getDb(), pending.ctx, { response: authenticator.authenticate(options), purpose: "sign_in", meta });
    const after = await storedKey(key.id);
    expect(after.counter).toBe(1);
    expect(after.lastUsedAt).toBeInstanceOf(Date);
  });

  it("V6.5.1 the same signed answer replayed is refused (the challenge was spent)", async () => {
    const { authenticator, pending } = await userWithKey();
    const response = authenticator.authenticate(await secondFactorOptions(getDb(), pending.ctx));
    await verifySecondFactor(getDb(), pending.ctx, { response, purpose: "sign_in", meta });
    await expect(verifySecondFactor(getDb(), pending.ctx, { response, purpose: "sign_in", meta })).rejects.toMatchObject({
      code: "webauthn_challenge_expired",
    });
  });

  it("V6.7.2 an answer to a challenge given to another session is refused", async () => {
    const { authenticator, pending, user, organizationId } = await userWithKey();
    const attackerSession = await newSessionFor(user.id, organizationId, { stage: "mfa_pending" });
    const response = authenticator.authenticate(await secondFactorOptions(getDb(), pending.ctx));
    await expect(verifySecondFactor(getDb(), attackerSession.ctx, { response, purpose: "sign_in", meta })).rejects.toMatchObject({
      code: "webauthn_challenge_expired",
    });
  });

  it("V6.5.5 an answer after the challenge expired is refused", async () => {
    const clock = useFakeClock(new Date(Date.now()));
    const { authenticator, pending } = await userWithKey();
    const options = await secondFactorOptions(getDb(), pending.ctx);
    clock.advance(CHALLENGE_TTL_MS + 1000);
    await expect(
      verifySecondFactor(getDb(), { ...pending.ctx }, { response: authenticator.authenticate(options), purpose: "sign_in", meta }),
    ).rejects.toMatchObject({ code: "webauthn_challenge_expired" });
  });

  it("V8.2.2 another user's key does not pass for this user, even with a valid signature", async () => {
    const victim = await userWithKey();
    const attacker = await userWithKey();
    // the attacker answers the victim's challenge with the attacker's own (valid) key
    const options = await secondFactorOptions(getDb(), victim.pending.ctx);
    const attackerKey = await storedKey(attacker.key.id);
    const response = attacker.authenticator.authenticate(options, { credentialId: attackerKey.credentialId });
    await expect(verifySecondFactor(getDb(), victim.pending.ctx, { response, purpose: "sign_in", meta })).rejects.toMatchObject({
      code: "webauthn_failed",
      message: expect.stringMatching(/not registered to your account/),
    });
  });

  it("V6.5.6 a cloned key (signature counter not increasing) is refused, and the original keeps working", async () => {
    const { authenticator, pending, user, organizationId, key } = await userWithKey();
    const clone = authenticator.clone();
    await verifySecondFactor(getDb(), pending.ctx, { response: authenticator.authenticate(await secondFactorOptions(getDb(), pending.ctx)), purpose: "sign_in", meta });
    expect((await storedKey(key.id)).counter).toBe(1);
    // the copy is one use behind: it signs counter 1 again
    const other = await newSessionFor(user.id, organizationId, { stage: "mfa_pending" });
    const cloned = clone.authenticate(await secondFactorOptions(getDb(), other.ctx));
    await expect(verifySecondFactor(getDb(), other.ctx, { response: cloned, purpose: "sign_in", meta })).rejects.toMatchObject({ code: "webauthn_cloned" });
    expect((await storedKey(key.id)).counter).toBe(1);
    await verifySecondFactor(getDb(), other.ctx, { response: authenticator.authenticate(await secondFactorOptions(getDb(), other.ctx)), purpose: "sign_in", meta });
    expect((await storedKey(key.id)).counter).toBe(2);
  });

  it("V6.7.2 an assertion made for another site (phishing origin) is refused", async () => {
    const { authenticator, pending } = await userWithKey();
    const response = authenticator.authenticate(await secondFactorOptions(getDb(), pending.ctx), { origin: "https://chargekeep.evil.example" });
    await expect(verifySecondFactor(getDb(), pending.ctx, { response, purpose: "sign_in", meta })).rejects.toMatchObject({ code: "webauthn_failed" });
  });

  it("V6.3.1 the sixth attempt within five minutes on one session is refused by the rate limit", async () => {
    const { authenticator, pending } = await userWithKey();
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = authenticator.authenticate(await secondFactorOptions(getDb(), pending.ctx), { origin: "https://wrong.example" });
      codes.push(await verifySecondFactor(getDb(), pending.ctx, { response, purpose: "sign_in", meta }).then(() => "ok", (e: { code: string }) => e.code));
    }
    expect(codes).toEqual([...Array(5).fill("webauthn_failed"), "rate_limited"]);
  });

  it("V6.3.1 the per-user limit holds across many sessions", async () => {
    const { authenticator, user, organizationId } = await userWithKey();
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      const s = await newSessionFor(user.id, organizationId, { stage: "mfa_pending" });
      const response = authenticator.authenticate(await secondFactorOptions(getDb(), s.ctx), { origin: "https://wrong.example" });
      codes.push(await verifySecondFactor(getDb(), s.ctx, { response, purpose: "sign_in", meta }).then(() => "ok", (e: { code: string }) => e.code));
    }
    expect(codes.at(-1)).toBe("rate_limited");
    expect(codes.slice(0, 10).every((c) => c === "webauthn_failed")).toBe(true);
  });

  it("V6.3.1 V16.3.1 every failure reaches the brute-force and audit hooks; a success is audited", async () => {
    const { authenticator, pending } = await userWithKey();
    const hooks = await import("../events");
    vi.resetModules();
    const countMfaFailure = vi.fn(hooks.countMfaFailure);
    const recordMfaEvent = vi.fn(hooks.recordMfaEvent);
    vi.doMock("../events", () => ({ ...hooks, countMfaFailure, recordMfaEvent }));
    try {
      const fresh = await import("./second-factor");
      const bad = authenticator.authenticate(await fresh.secondFactorOptions(getDb(), pending.ctx), { origin: "https://wrong.example" });
      await expect(fresh.verifySecondFactor(getDb(), pending.ctx, { response: bad, purpose: "step_up", meta })).rejects.toBeTruthy();
      expect(countMfaFailure).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ userId: pending.ctx.user.id }), "webauthn");
      expect(recordMfaEvent).toHaveBeenCalledWith(expect.anything(), expect.anything(), { action: "mfa.failed", method: "webauthn", purpose: "step_up" });
      const good = authenticator.authenticate(await fresh.secondFactorOptions(getDb(), pending.ctx));
      await fresh.verifySecondFactor(getDb(), pending.ctx, { response: good, purpose: "sign_in", meta });
      expect(recordMfaEvent).toHaveBeenLastCalledWith(expect.anything(), expect.anything(), { action: "mfa.verified", method: "webauthn", purpose: "sign_in" });
    } finally {
      vi.doUnmock("../events");
      vi.resetModules();
    }
  });

  it("V6.3.3 a user without keys is told so (no empty ceremony)", async () => {
    const { ctx } = await signedInUser();
    await expect(secondFactorOptions(getDb(), ctx)).rejects.toMatchObject({ code: "webauthn_none" });
  });
});

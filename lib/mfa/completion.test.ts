import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { sessions } from "@/db/schema";
import { createSession, MFA_PENDING_LIFETIME_MS, validateSessionToken } from "@/lib/auth";
import { resetClock, useFakeClock } from "@/lib/clock";
import { sha256Hex } from "@/lib/crypto";
import { expectAudited } from "@/tests/audit";
import { makeUser } from "@/tests/factories";
import { completeMfaSignIn, completeStepUp } from "./completion";

const pendingFor = async (userId: string, organizationId: string) =>
  createSession(getDb(), { userId, organizationId, ip: null, userAgent: "vitest", stage: "mfa_pending" });

describe("MFA session stages", () => {
  it("V6.3.3 an MFA-pending session is never accepted where a full session is needed, and the other way round", async () => {
    const { user, organizationId } = await makeUser();
    const pending = await pendingFor(user.id, organizationId);
    const full = await createSession(getDb(), { userId: user.id, organizationId, ip: null, userAgent: "vitest" });
    expect(await validateSessionToken(getDb(), pending.token)).toBeNull();
    expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).not.toBeNull();
    expect(await validateSessionToken(getDb(), full.token, "mfa_pending")).toBeNull();
    expect(await validateSessionToken(getDb(), full.token)).not.toBeNull();
  });

  it("V6.3.3 V7.3.2 a password-only session lives ten minutes at most", async () => {
    const clock = useFakeClock(new Date("2026-03-01T09:00:00Z"));
    try {
      const { user, organizationId } = await makeUser();
      const pending = await pendingFor(user.id, organizationId);
      clock.advance(MFA_PENDING_LIFETIME_MS - 1000);
      expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).not.toBeNull();
      clock.advance(2000);
      expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).toBeNull();
    } finally {
      resetClock();
    }
  });

  it("V6.3.3 V7.2.4 passing the second factor rotates the session id and records the time", async () => {
    const { user, organizationId } = await makeUser();
    const pending = await pendingFor(user.id, organizationId);
    const ctx = (await validateSessionToken(getDb(), pending.token, "mfa_pending"))!;
    const done = await completeMfaSignIn(ctx);
    expect(done.token).not.toBe(pending.token);
    expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).toBeNull();
    expect(await validateSessionToken(getDb(), pending.token)).toBeNull();
    const full = await validateSessionToken(getDb(), done.token);
    expect(full?.mfa.verifiedAt).toBeInstanceOf(Date);
    // the full session gets the normal lifetime, not the pending ten minutes
    const [row] = await getDb().select().from(sessions).where(eq(sessions.id, sha256Hex(done.token)));
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(60 * 60_000);
    expect(row!.mfaPending).toBe(false);
  });

  it("V16.3.1 the completed sign-in's audit event names its first factor: single sign-on, or a password", async () => {
    for (const viaSso of [true, false]) {
      const { user, organizationId } = await makeUser();
      const pending = await createSession(getDb(), { userId: user.id, organizationId, ip: null, userAgent: "vitest", stage: "mfa_pending", viaSso });
      await completeMfaSignIn((await validateSessionToken(getDb(), pending.token, "mfa_pending"))!);
      await expectAudited(getDb(), { action: "auth.sign_in", actorUserId: user.id, organizationId, result: "success", metadata: { method: viaSso ? "sso" : "password", secondFactor: true } });
    }
  });

  it("V6.3.3 V7.2.4 a step-up rotates the session id; the old token stops working", async () => {
    const { user, organizationId } = await makeUser();
    const first = await createSession(getDb(), { userId: user.id, organizationId, ip: null, userAgent: "vitest" });
    const ctx = (await validateSessionToken(getDb(), first.token))!;
    expect(ctx.mfa.verifiedAt).toBeNull();
    const stepped = await completeStepUp(ctx);
    expect(await validateSessionToken(getDb(), first.token)).toBeNull();
    expect((await validateSessionToken(getDb(), stepped.token))?.mfa.verifiedAt).toBeInstanceOf(Date);
  });

  it("V6.3.3 a pending session cannot be completed twice (the first completion spent it)", async () => {
    const { user, organizationId } = await makeUser();
    const pending = await pendingFor(user.id, organizationId);
    const ctx = (await validateSessionToken(getDb(), pending.token, "mfa_pending"))!;
    await completeMfaSignIn(ctx);
    await expect(completeMfaSignIn(ctx)).rejects.toMatchObject({ status: 401 });
  });
});

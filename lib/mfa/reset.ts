import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { recoveryCodes, sessions, totpFactors, users, webauthnChallenges, webauthnCredentials } from "@/db/schema";
import { recordMfaEvent } from "./events";

export type MfaResetResult = { userId: string; totp: number; keys: number; recoveryCodes: number; sessions: number };

/**
 * Operator recovery for someone who lost every factor and every recovery code (`npm run mfa:reset`).
 * Identity is checked out of band first. Everything goes in one transaction: all factors, codes
 * and sessions, so the next sign-in is password-only and an organization policy makes them enrol again.
 */
export async function resetUserMfa(db: Database, email: string): Promise<MfaResetResult | null> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email.trim().toLowerCase()));
    if (!user) return null;
    const totp = await tx.delete(totpFactors).where(eq(totpFactors.userId, user.id)).returning({ id: totpFactors.id });
    const keys = await tx.delete(webauthnCredentials).where(eq(webauthnCredentials.userId, user.id)).returning({ id: webauthnCredentials.id });
    const codes = await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id)).returning({ id: recoveryCodes.id });
    await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, user.id));
    const ended = await tx.delete(sessions).where(eq(sessions.userId, user.id)).returning({ id: sessions.id });
    await recordMfaEvent(tx as unknown as Database, { userId: user.id, organizationId: null, meta: { ip: null, userAgent: "mfa:reset", requestId: "cli" } }, {
      action: "mfa.reset_by_operator",
      totp: totp.length,
      keys: keys.length,
      recoveryCodes: codes.length,
    });
    return { userId: user.id, totp: totp.length, keys: keys.length, recoveryCodes: codes.length, sessions: ended.length };
  });
}

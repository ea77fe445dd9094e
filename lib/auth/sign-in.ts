import "server-only";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, totpFactors, users, webauthnCredentials } from "@/db/schema";
import { now } from "@/lib/clock";
import { dummyPasswordHash, verifyPassword } from "./password";
import { createSession, pruneExpiredSessions, revokeSessionByToken } from "./session";

export type SignInResult =
  /** mfaRequired: the token is an MFA-pending session; it goes in the pending cookie, not the session one. */
  | { ok: true; token: string; userId: string; mfaRequired: boolean }
  | { ok: false; code: "invalid_credentials"; message: string }
  | { ok: false; code: "email_unverified"; message: string; userId: string; email: string }
  | { ok: false; code: "no_organization"; message: string }
  | { ok: false; code: "suspended"; message: string };

export const INVALID_CREDENTIALS = "That e-mail and password do not match an account.";

/**
 * Unknown e-mail and wrong password return the same answer after the same work (one argon2
 * verification against a dummy hash). Facts about the account are only told after the password
 * was proven. A new session (new id) is created on every successful sign-in, and the session the
 * browser held before (if any) is revoked, whoever it belonged to. A user with a second factor
 * gets an MFA-pending session: it reaches nothing until the factor is verified (lib/mfa).
 */
export async function signIn(
  db: Database,
  input: { email: string; password: string; ip: string | null; userAgent: string | null; previousToken?: string },
): Promise<SignInResult> {
  const [user] = await db
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash, emailVerifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.email, input.email));

  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !user.passwordHash || !valid) {
    return { ok: false, code: "invalid_credentials", message: INVALID_CREDENTIALS };
  }
  if (!user.emailVerifiedAt) {
    return {
      ok: false,
      code: "email_unverified",
      message: "Confirm your e-mail address first: we have sent you a new link.",
      userId: user.id,
      email: user.email,
    };
  }
  const all = await db
    .select({ organizationId: memberships.organizationId, status: memberships.status })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(memberships.createdAt));
  const membership = all.find((m) => m.status === "active");
  if (!membership) {
    return all.length
      ? { ok: false, code: "suspended", message: "Your access has been suspended by your organization's administrators. Contact them to restore it." }
      : { ok: false, code: "no_organization", message: "Your account is not a member of any organization any more." };
  }
  await db.update(users).set({ lastSignInAt: now() }).where(eq(users.id, user.id));
  await revokeSessionByToken(db, input.previousToken);
  await pruneExpiredSessions(db, user.id);
  const mfaRequired = await hasSecondFactor(db, user.id);
  const { token } = await createSession(db, {
    userId: user.id,
    organizationId: membership.organizationId,
    ip: input.ip,
    userAgent: input.userAgent,
    stage: mfaRequired ? "mfa_pending" : "full",
  });
  return { ok: true, token, userId: user.id, mfaRequired };
}

/** A confirmed authenticator app or any security key / passkey: then the password alone is not enough. */
export async function hasSecondFactor(db: Database, userId: string): Promise<boolean> {
  const [totp] = await db
    .select({ id: totpFactors.id })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.confirmedAt)))
    .limit(1);
  if (totp) return true;
  const [key] = await db.select({ id: webauthnCredentials.id }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).limit(1);
  return Boolean(key);
}

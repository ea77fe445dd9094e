import "server-only";
import { accountStatus, recordSignInSuccess, SUSPENDED_MESSAGE } from "@/lib/defense";
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, users, webauthnCredentials } from "@/db/schema";
import { createSession, recordAccountEvent, revokeSessionByToken } from "@/lib/auth";
import { pruneExpiredSessions } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { randomToken } from "@/lib/crypto";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import { countMfaFailure, recordMfaEvent, type MfaEventContext } from "../events";
import { acceptAssertion, verifyAssertion } from "./assertion";
import { consumeChallenge, cookieBinding, issueChallenge } from "./challenges";
import { relyingParty, userHandleOf } from "./config";
import { challengeExpired, counterRegressed, passkeyNotRegistered } from "./errors";
import type { AuthenticationResponse } from "./schemas";

/**
 * Passwordless sign-in with a passkey. No session exists yet, so the challenge is bound to a
 * fresh random cookie of this browser (its SHA-256 is the binding): a challenge fetched by one
 * browser cannot be answered from another. The passkey is both factors at once: possession of the
 * key and user verification (PIN or biometrics), which is therefore required.
 */
export async function passkeySignInOptions(
  db: Database,
  meta: RequestMeta,
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; cookieToken: string }> {
  await enforce("passkey-sign-in-ip", meta.ip ?? "unknown");
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    // Empty: the authenticator offers the passkeys it holds for this site (discoverable credentials).
    allowCredentials: [],
    userVerification: "required",
  });
  const cookieToken = randomToken();
  await issueChallenge(db, { binding: cookieBinding(cookieToken), ceremony: "passkey", userId: null, challenge: options.challenge });
  return { options, cookieToken };
}

const SUSPENDED = "Your access has been suspended by your organization's administrators. Contact them to restore it.";
const NO_ORGANIZATION = "Your account is not a member of any organization any more.";

/**
 * Verifies a passkey assertion and opens a full session (second factor satisfied). The same
 * account checks as password sign-in (lib/auth/sign-in.ts), told only after the passkey is proven.
 * The browser's previous session and half-finished password sign-in are revoked by the caller's
 * tokens; the caller sets the new session cookie and clears the others.
 */
export async function verifyPasskeySignIn(
  db: Database,
  input: { response: AuthenticationResponse; cookieToken: string | undefined; meta: RequestMeta; previousTokens: (string | undefined)[] },
): Promise<{ token: string; userId: string }> {
  await enforce("passkey-sign-in-ip", input.meta.ip ?? "unknown");
  const challenge = input.cookieToken ? await consumeChallenge(db, { binding: cookieBinding(input.cookieToken), ceremony: "passkey" }) : null;
  if (!challenge) throw challengeExpired();

  const [found] = await db
    .select({ credential: webauthnCredentials, emailVerifiedAt: users.emailVerifiedAt })
    .from(webauthnCredentials)
    .innerJoin(users, eq(users.id, webauthnCredentials.userId))
    .where(and(eq(webauthnCredentials.credentialId, input.response.id), eq(webauthnCredentials.discoverable, true)));
  // The user handle the authenticator returns must name the credential's owner.
  const handle = input.response.response.userHandle;
  if (!found || (handle !== undefined && handle !== isoBase64URL.fromBuffer(userHandleOf(found.credential.userId)))) {
    throw passkeyNotRegistered();
  }
  const { credential } = found;
  const eventCtx: MfaEventContext = { userId: credential.userId, organizationId: null, meta: input.meta };
  const verified = await verifyAssertion({ credential, response: input.response, challenge, requireUserVerification: true });
  if (!verified) {
    await countMfaFailure(db, eventCtx, "passkey");
    await recordMfaEvent(db, eventCtx, { action: "mfa.failed", method: "passkey", purpose: "sign_in" });
    throw new AppError("passkey_failed", 401, "We could not verify that passkey. Try again.");
  }
  // Only once the passkey is proven (an unproven caller learns nothing about the account): a
  // suspended account (brute force, lib/defense) opens with the e-mailed unlock link only.
  if ((await accountStatus(db, credential.userId)).state === "suspended") throw new AppError("account_suspended", 403, SUSPENDED_MESSAGE);

  // Facts about the account only now that the passkey is proven (as after a correct password).
  if (!found.emailVerifiedAt) throw new AppError("email_unverified", 403, "Confirm your e-mail address first, then sign in.");
  const all = await db
    .select({ organizationId: memberships.organizationId, status: memberships.status })
    .from(memberships)
    .where(eq(memberships.userId, credential.userId))
    .orderBy(asc(memberships.createdAt));
  const membership = all.find((m) => m.status === "active");
  if (!membership) throw new AppError(all.length ? "suspended" : "no_organization", 403, all.length ? SUSPENDED : NO_ORGANIZATION);

  const result = await db.transaction(async (tx) => {
    if (!(await acceptAssertion(tx, credential, verified))) return null;
    await tx.update(users).set({ lastSignInAt: now() }).where(eq(users.id, credential.userId));
    for (const token of input.previousTokens) await revokeSessionByToken(tx, token);
    await pruneExpiredSessions(tx, credential.userId);
    const session = await createSession(tx, {
      userId: credential.userId,
      organizationId: membership.organizationId,
      ip: input.meta.ip,
      userAgent: input.meta.userAgent,
      stage: "full",
      mfaVerified: true,
    });
    await recordMfaEvent(tx, { ...eventCtx, organizationId: membership.organizationId }, { action: "mfa.verified", method: "passkey", purpose: "sign_in" });
    await recordAccountEvent(tx, { action: "auth.sign_in", userId: credential.userId, organizationId: membership.organizationId, metadata: { method: "passkey", secondFactor: true } }, input.meta);
    return session;
  });
  if (result) await recordSignInSuccess(db, credential.userId);
  if (!result) {
    console.warn(`[webauthn] counter regression on passkey ${credential.id} of user ${credential.userId}: possible cloned authenticator`);
    await countMfaFailure(db, eventCtx, "passkey");
    await recordMfaEvent(db, eventCtx, { action: "mfa.failed", method: "passkey", purpose: "sign_in" });
    throw counterRegressed();
  }
  return { token: result.token, userId: credential.userId };
}

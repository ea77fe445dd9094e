import "server-only";
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { webauthnCredentials } from "@/db/schema";
import type { SessionContext } from "@/lib/auth";
import type { RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import { countMfaFailure, recordMfaEvent, type MfaEventContext } from "../events";
import { acceptAssertion, verifyAssertion } from "./assertion";
import { consumeChallenge, issueChallenge, sessionBinding } from "./challenges";
import { relyingParty } from "./config";
import { assertionFailed, challengeExpired, counterRegressed, keyNotRegistered, noKeysRegistered } from "./errors";
import type { AuthenticationResponse } from "./schemas";

export type AssertionPurpose = "sign_in" | "step_up";

/**
 * A security key or passkey as the second factor: at sign-in (the MFA-pending session) or for
 * step-up (a full session). The challenge is bound to that session; only this user's keys are
 * offered. User verification is not asked for: the password (or the session) is the first factor.
 */
export async function secondFactorOptions(db: Database, ctx: SessionContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const keys = await db
    .select({ id: webauthnCredentials.credentialId, transports: webauthnCredentials.transports })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, ctx.user.id));
  if (!keys.length) throw noKeysRegistered();
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    allowCredentials: keys.map((k) => ({ id: k.id, transports: k.transports })),
    userVerification: "discouraged",
  });
  await issueChallenge(db, { binding: sessionBinding(ctx.session.id), ceremony: "authenticate", userId: ctx.user.id, challenge: options.challenge });
  return options;
}

/**
 * Verifies the answer. Order: rate limits (per session and per user), then the challenge is taken
 * (single use, whatever happens next), then the key must be this user's, then the signature, then
 * the counter. Every failure is counted for the brute-force defense and written to the audit hook.
 * On success the caller completes the sign-in or the step-up (both rotate the session id).
 */
export async function verifySecondFactor(
  db: Database,
  ctx: SessionContext,
  input: { response: AuthenticationResponse; purpose: AssertionPurpose; meta: RequestMeta },
): Promise<void> {
  await enforce("mfa-verify-session", ctx.session.id);
  await enforce("mfa-verify-user", ctx.user.id);
  const eventCtx: MfaEventContext = { userId: ctx.user.id, organizationId: ctx.organization.id, meta: input.meta };

  const challenge = await consumeChallenge(db, { binding: sessionBinding(ctx.session.id), ceremony: "authenticate", userId: ctx.user.id });
  // Only the signed-in user's own keys: another account's credential id matches nothing here.
  const [credential] = await db
    .select()
    .from(webauthnCredentials)
    .where(and(eq(webauthnCredentials.credentialId, input.response.id), eq(webauthnCredentials.userId, ctx.user.id)));
  const method = credential?.discoverable ? "passkey" : "webauthn";
  const fail = async (error: Error) => {
    await countMfaFailure(db, eventCtx, method);
    await recordMfaEvent(db, eventCtx, { action: "mfa.failed", method, purpose: input.purpose });
    return error;
  };

  if (!challenge) throw await fail(challengeExpired());
  if (!credential) throw await fail(keyNotRegistered());
  const verified = await verifyAssertion({ credential, response: input.response, challenge, requireUserVerification: false });
  if (!verified) throw await fail(assertionFailed());

  const accepted = await db.transaction(async (tx) => {
    if (!(await acceptAssertion(tx, credential, verified))) return false;
    await recordMfaEvent(tx, eventCtx, { action: "mfa.verified", method, purpose: input.purpose });
    return true;
  });
  if (!accepted) {
    console.warn(`[webauthn] counter regression on credential ${credential.id} of user ${ctx.user.id}: possible cloned authenticator`);
    throw await fail(counterRegressed());
  }
}

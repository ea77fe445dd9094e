import "server-only";
import { getDb } from "@/db";
import { recordAccountEvent, rotateSession, type SessionContext } from "@/lib/auth";
import { recordSignInSuccess } from "@/lib/defense";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { unauthenticated } from "@/lib/errors";

/**
 * A second factor passed. Both outcomes give the session a new id (the token that carried the
 * password-only or older state dies) and record the time for step-up.
 */

/** MFA-pending -> full session: the browser now gets the real session cookie. */
export async function completeMfaSignIn(pending: SessionContext): Promise<{ token: string; sessionId: string }> {
  const t = now();
  const rotated = await rotateSession(getDb(), pending.session.id, {
    mfaPending: false,
    mfaVerifiedAt: t,
    lastSeenAt: t,
    expiresAt: new Date(t.getTime() + env().SESSION_ABSOLUTE_HOURS * 3_600_000),
  });
  if (!rotated) throw unauthenticated();
  // The sign-in is complete only now: this is the event the new-address and new-device alerts read.
  await recordAccountEvent(getDb(), { action: "auth.sign_in", userId: pending.user.id, organizationId: pending.organization.id, metadata: { method: pending.session.viaSso ? "sso" : "password", secondFactor: true } });
  await recordSignInSuccess(getDb(), pending.user.id);
  return rotated;
}

/** Step-up inside a full session. */
export async function completeStepUp(ctx: SessionContext): Promise<{ token: string; sessionId: string }> {
  const rotated = await rotateSession(getDb(), ctx.session.id, { mfaVerifiedAt: now() });
  if (!rotated) throw unauthenticated();
  return rotated;
}

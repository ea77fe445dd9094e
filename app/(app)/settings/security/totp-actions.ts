"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { boundaryText, confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { setSessionCookie } from "@/lib/auth";
import {
  cancelTotpEnrolment,
  completeStepUp,
  confirmTotpEnrolment,
  INVALID_TOTP_CODE,
  mfaEventContext,
  removeTotp,
  requireRecentMfa,
  startTotpEnrolment,
} from "@/lib/mfa";
import { enforce } from "@/lib/ratelimit";
import type { RecoveryCodesState } from "@/components/mfa/recovery-codes-state";

const PAGE = "/settings/security";

/**
 * "Set up authenticator app". Enrolment stays reachable when the organization's MFA deadline has
 * passed (allowMustEnrol). A user who already has a factor must step up first (ASVS V7.5.1): a
 * stolen session must not be able to add the attacker's own authenticator.
 */
export const startTotpSetupAction = formAction({ auth: true, allowMustEnrol: true, schema: z.object({}) }, async (_input, { session, db }) => {
  await enforce("mfa-enrol-user", session.user.id);
  if (session.mfa.enrolled) requireRecentMfa(session);
  await startTotpEnrolment(db, session.user.id);
  revalidatePath(PAGE);
  return { ok: true };
});

/** "Turn on": the first valid code confirms the app; the user may get their recovery codes here, once. */
export const confirmTotpSetupAction = formAction(
  { auth: true, allowMustEnrol: true, schema: z.object({ code: boundaryText().trim().min(1, "Enter the 6-digit code from your app.").max(20) }) },
  async ({ code }, { session, meta, db }) => {
    await enforce("mfa-enrol-user", session.user.id);
    const result = await confirmTotpEnrolment(db, mfaEventContext(session, meta), code);
    if (!result.ok) {
      return result.reason === "not_started"
        ? { ok: false, message: "Start setting up your authenticator app again." }
        : { ok: false, message: INVALID_TOTP_CODE };
    }
    // The code just proved the new factor: the session counts as MFA-verified from now (new id).
    const { token } = await completeStepUp(session);
    await setSessionCookie(token);
    revalidatePath(PAGE);
    const state: RecoveryCodesState = { ok: true, message: "Authenticator app is on.", recoveryCodes: result.recoveryCodes ?? undefined };
    return state;
  },
);

export const cancelTotpSetupAction = formAction({ auth: true, allowMustEnrol: true, schema: z.object({}) }, async (_input, { session, db }) => {
  await cancelTotpEnrolment(db, session.user.id);
  revalidatePath(PAGE);
  return { ok: true };
});

/** Removing a factor is sensitive (step-up), and refused when the organization requires MFA and it is the last one. */
export const removeTotpAction = formAction({ auth: true, schema: z.object({ confirm: confirmSchema }) }, async (_input, { session, meta, db }) => {
  requireRecentMfa(session);
  const removed = await removeTotp(db, mfaEventContext(session, meta), { mfaRequired: session.mfa.required });
  revalidatePath(PAGE);
  return removed ? { ok: true, message: "The authenticator app was removed." } : { ok: false, message: "There is no authenticator app to remove." };
});

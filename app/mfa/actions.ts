"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { boundaryText, formAction, type RequestMeta, safeNextPath } from "@/lib/http";
import { getDb } from "@/db";
import { clearMfaPendingCookie, setSessionCookie, type SessionContext } from "@/lib/auth";
import { completeMfaSignIn, completeStepUp, verifySecondFactorCode, type SecondFactorCode } from "@/lib/mfa";

const next = boundaryText().max(512).optional();
const totpSchema = z.object({ code: boundaryText().trim().min(1, "Enter the 6-digit code from your app.").max(20), next });
const recoverySchema = z.object({ recoveryCode: boundaryText().trim().min(1, "Enter one of your recovery codes.").max(64), next });

/** Sign-in: the password-only session becomes a full one with a new id, in the session cookie. */
async function signInWith(session: SessionContext, meta: RequestMeta, code: SecondFactorCode, nextPath?: string): Promise<never> {
  await verifySecondFactorCode(getDb(), session, meta, code, "sign_in");
  const { token } = await completeMfaSignIn(session);
  await clearMfaPendingCookie();
  await setSessionCookie(token);
  redirect(safeNextPath(nextPath));
}

/** Step-up: the full session gets a new id and a fresh second-factor time, then back to the action. */
async function stepUpWith(session: SessionContext, meta: RequestMeta, code: SecondFactorCode, nextPath?: string): Promise<never> {
  await verifySecondFactorCode(getDb(), session, meta, code, "step_up");
  const { token } = await completeStepUp(session);
  await setSessionCookie(token);
  redirect(safeNextPath(nextPath));
}

export const verifyTotpSignInAction = formAction({ auth: "mfa_pending", schema: totpSchema }, async (input, { session, meta }) =>
  signInWith(session, meta, { method: "totp", code: input.code }, input.next),
);

export const verifyRecoveryCodeSignInAction = formAction({ auth: "mfa_pending", schema: recoverySchema }, async (input, { session, meta }) =>
  signInWith(session, meta, { method: "recovery_code", code: input.recoveryCode }, input.next),
);

export const verifyTotpStepUpAction = formAction({ auth: true, schema: totpSchema }, async (input, { session, meta }) =>
  stepUpWith(session, meta, { method: "totp", code: input.code }, input.next),
);

export const verifyRecoveryCodeStepUpAction = formAction({ auth: true, schema: recoverySchema }, async (input, { session, meta }) =>
  stepUpWith(session, meta, { method: "recovery_code", code: input.recoveryCode }, input.next),
);

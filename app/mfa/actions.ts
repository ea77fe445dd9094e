"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { boundaryText, safeNextPath } from "@/lib/http";
import { formAction, type ActionContext } from "@/lib/gate";
import { clearMfaPendingCookie, setSessionCookie } from "@/lib/auth";
import { completeMfaSignIn, completeStepUp, verifySecondFactorCode, type SecondFactorCode } from "@/lib/mfa";

const next = boundaryText().max(512).optional();
const totpSchema = z.object({ code: boundaryText().trim().min(1, "Enter the 6-digit code from your app.").max(20), next });
const recoverySchema = z.object({ recoveryCode: boundaryText().trim().min(1, "Enter one of your recovery codes.").max(64), next });

/** Sign-in: the password-only session becomes a full one with a new id, in the session cookie. */
async function signInWith({ session, meta, db }: ActionContext, code: SecondFactorCode, nextPath?: string): Promise<never> {
  await verifySecondFactorCode(db, session, meta, code, "sign_in");
  const { token } = await completeMfaSignIn(session);
  await clearMfaPendingCookie();
  await setSessionCookie(token);
  redirect(safeNextPath(nextPath));
}

/** Step-up: the full session gets a new id and a fresh second-factor time, then back to the action. */
async function stepUpWith({ session, meta, db }: ActionContext, code: SecondFactorCode, nextPath?: string): Promise<never> {
  await verifySecondFactorCode(db, session, meta, code, "step_up");
  const { token } = await completeStepUp(session);
  await setSessionCookie(token);
  redirect(safeNextPath(nextPath));
}

export const verifyTotpSignInAction = formAction({ auth: "mfa_pending", schema: totpSchema }, async (input, ctx) =>
  signInWith(ctx, { method: "totp", code: input.code }, input.next),
);

export const verifyRecoveryCodeSignInAction = formAction({ auth: "mfa_pending", schema: recoverySchema }, async (input, ctx) =>
  signInWith(ctx, { method: "recovery_code", code: input.recoveryCode }, input.next),
);

export const verifyTotpStepUpAction = formAction({ auth: true, schema: totpSchema }, async (input, ctx) =>
  stepUpWith(ctx, { method: "totp", code: input.code }, input.next),
);

export const verifyRecoveryCodeStepUpAction = formAction({ auth: true, schema: recoverySchema }, async (input, ctx) =>
  stepUpWith(ctx, { method: "recovery_code", code: input.recoveryCode }, input.next),
);

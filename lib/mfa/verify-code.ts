import "server-only";
import type { Database } from "@/db";
import type { SessionContext } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import { countMfaFailure, recordMfaEvent, type MfaEventContext } from "./events";
import { spendRecoveryCode } from "./recovery-codes";
import { verifyTotp } from "./totp";

export const INVALID_TOTP_CODE = "That code is not valid. Check your app and try again.";
export const INVALID_RECOVERY_CODE = "That recovery code is not valid. Check it and try again.";

export type SecondFactorCode = { method: "totp"; code: string } | { method: "recovery_code"; code: string };
export type VerifyPurpose = "sign_in" | "step_up";

export function mfaEventContext(ctx: SessionContext, meta: RequestMeta): MfaEventContext {
  return { userId: ctx.user.id, organizationId: ctx.organization.id, meta };
}

/**
 * The one check behind every code-based verification (sign-in and step-up, form and JSON API), in
 * a fixed order: both rate limits first (per session and per user, so neither many sessions nor
 * one session can grind through a million codes), then the code, then the hooks. A wrong code,
 * a replayed one and a user without that factor all get the same answer. Throws on failure; the
 * caller completes the session change (completeMfaSignIn / completeStepUp) on success.
 */
export async function verifySecondFactorCode(
  db: Database,
  ctx: SessionContext,
  meta: RequestMeta,
  input: SecondFactorCode,
  purpose: VerifyPurpose,
): Promise<void> {
  await enforce("mfa-verify-session", ctx.session.id);
  await enforce("mfa-verify-user", ctx.user.id);
  const ev = mfaEventContext(ctx, meta);
  const ok =
    input.method === "totp"
      ? await verifyTotp(db, ctx.user.id, input.code)
      : (await spendRecoveryCode(db, ev, ctx.user, input.code)) !== null;
  if (!ok) {
    await countMfaFailure(db, ev, input.method);
    await recordMfaEvent(db, ev, { action: "mfa.failed", method: input.method, purpose });
    throw new AppError("mfa_code_invalid", 401, input.method === "totp" ? INVALID_TOTP_CODE : INVALID_RECOVERY_CODE);
  }
  await recordMfaEvent(db, ev, { action: "mfa.verified", method: input.method, purpose });
}

import { z } from "zod";
import { boundaryText } from "@/lib/http";
import { route } from "@/lib/gate";
import { serializeClearedMfaPendingCookie, serializeSessionCookie } from "@/lib/auth";
import { completeMfaSignIn, verifySecondFactorCode } from "@/lib/mfa";

const bodySchema = z
  .object({
    code: boundaryText().trim().min(1).max(20).optional(),
    recoveryCode: boundaryText().trim().min(1).max(64).optional(),
  })
  .strict()
  .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), { message: "Send either code or recoveryCode." });

/**
 * The second step of JSON sign-in (after POST /api/auth/sign-in answered mfaRequired): a code
 * from the authenticator app or a recovery code, with the MFA-pending cookie. On success the
 * session cookie replaces the pending one; the same rate limits and answers as the form.
 */
export const POST = route({ auth: "mfa_pending", body: bodySchema, maxBodyBytes: 1024 }, async ({ session, meta, body, db }) => {
  await verifySecondFactorCode(
    db,
    session,
    meta,
    body.code !== undefined ? { method: "totp", code: body.code } : { method: "recovery_code", code: body.recoveryCode ?? "" },
    "sign_in",
  );
  const { token } = await completeMfaSignIn(session);
  const response = Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
  response.headers.append("set-cookie", serializeSessionCookie(token));
  response.headers.append("set-cookie", serializeClearedMfaPendingCookie());
  return response;
});

import { serializeClearedMfaPendingCookie, serializeSessionCookie } from "@/lib/auth";
import { safeNextPath } from "@/lib/http";
import { route } from "@/lib/gate";
import { authenticationVerifyBodySchema, completeMfaSignIn, verifySecondFactor, WEBAUTHN_MAX_BODY_BYTES } from "@/lib/mfa";

/** Sign-in, second step: a verified key turns the MFA-pending session into a full one (new id). */
export const POST = route(
  { auth: "mfa_pending", body: authenticationVerifyBodySchema, maxBodyBytes: WEBAUTHN_MAX_BODY_BYTES },
  async ({ session, body, meta, db }) => {
    await verifySecondFactor(db, session, { response: body.response, purpose: "sign_in", meta });
    const { token } = await completeMfaSignIn(session);
    const response = Response.json({ ok: true, redirect: safeNextPath(body.next) }, { headers: { "cache-control": "no-store" } });
    response.headers.append("set-cookie", serializeSessionCookie(token));
    response.headers.append("set-cookie", serializeClearedMfaPendingCookie());
    return response;
  },
);

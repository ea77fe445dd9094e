import { serializeSessionCookie } from "@/lib/auth";
import { route } from "@/lib/gate";
import { completeStepUp, registrationVerifyBodySchema, verifyRegistration, WEBAUTHN_MAX_BODY_BYTES } from "@/lib/mfa";

/**
 * Step 2 of adding a security key or passkey: the authenticator's answer is verified and stored.
 * The key just proved itself, so the session counts as MFA-verified from now (new id), as after
 * confirming an authenticator app.
 */
export const POST = route(
  { auth: true, allowMustEnrol: true, body: registrationVerifyBodySchema, maxBodyBytes: WEBAUTHN_MAX_BODY_BYTES },
  async ({ session, body, meta, db }) => {
    const created = await verifyRegistration(db, session, { ...body, meta });
    const { token } = await completeStepUp(session);
    const response = Response.json({ ok: true, ...created }, { status: 201, headers: { "cache-control": "no-store" } });
    response.headers.append("set-cookie", serializeSessionCookie(token));
    return response;
  },
);

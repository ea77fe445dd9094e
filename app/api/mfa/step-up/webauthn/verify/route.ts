import { serializeSessionCookie } from "@/lib/auth";
import { safeNextPath } from "@/lib/http";
import { route } from "@/lib/gate";
import { authenticationVerifyBodySchema, completeStepUp, verifySecondFactor, WEBAUTHN_MAX_BODY_BYTES } from "@/lib/mfa";

/** Step-up: a verified key records a fresh second factor on the session (and gives it a new id). */
export const POST = route(
  { auth: true, body: authenticationVerifyBodySchema, maxBodyBytes: WEBAUTHN_MAX_BODY_BYTES },
  async ({ session, body, meta, db }) => {
    await verifySecondFactor(db, session, { response: body.response, purpose: "step_up", meta });
    const { token } = await completeStepUp(session);
    const response = Response.json({ ok: true, redirect: safeNextPath(body.next) }, { headers: { "cache-control": "no-store" } });
    response.headers.append("set-cookie", serializeSessionCookie(token));
    return response;
  },
);

import { sessionTokenFromRequest, mfaPendingCookieName, serializeClearedMfaPendingCookie, serializeSessionCookie } from "@/lib/auth";
import { safeNextPath } from "@/lib/http";
import { route } from "@/lib/gate";
import {
  authenticationVerifyBodySchema,
  cookieFromRequest,
  passkeyChallengeCookieName,
  serializeClearedPasskeyChallengeCookie,
  verifyPasskeySignIn,
  WEBAUTHN_MAX_BODY_BYTES,
} from "@/lib/mfa";

/**
 * Passwordless sign-in, step 2 (public): a verified passkey opens a full session. The browser's
 * previous session and any half-finished password sign-in are revoked. On failure the challenge
 * cookie stays but is worthless: its challenge was spent by this attempt, and the next attempt
 * gets a new cookie.
 */
export const POST = route({ auth: false, body: authenticationVerifyBodySchema, maxBodyBytes: WEBAUTHN_MAX_BODY_BYTES }, async ({ req, body, meta, db }) => {
  const result = await verifyPasskeySignIn(db, {
    response: body.response,
    cookieToken: cookieFromRequest(req, passkeyChallengeCookieName()),
    meta,
    previousTokens: [sessionTokenFromRequest(req), cookieFromRequest(req, mfaPendingCookieName())],
  });
  const response = Response.json({ ok: true, redirect: safeNextPath(body.next) }, { headers: { "cache-control": "no-store" } });
  response.headers.append("set-cookie", serializeSessionCookie(result.token));
  response.headers.append("set-cookie", serializeClearedMfaPendingCookie());
  response.headers.append("set-cookie", serializeClearedPasskeyChallengeCookie());
  return response;
});

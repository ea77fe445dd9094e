import { mfaPendingCookieName, sessionTokenFromRequest } from "@/lib/auth";
import { serializeClearedMfaPendingCookie, serializeMfaPendingCookie, serializeSessionCookie } from "@/lib/auth";
import { route } from "@/lib/gate";
import { browserCookieName, clearedAuthjsCookies, completeSso, cookieValue, serializeClearedBrowserCookie, SSO_PAGE } from "@/lib/sso";
import { revokeSessionByToken } from "@/lib/auth";

/**
 * SSO step 3 (public): spends the single-use ticket with this browser's binding cookie and opens
 * an ordinary ChargeKeep session (MFA-pending when our own second factor is still due). No Auth.js
 * cookie survives: every one the browser sent is deleted here.
 */
export const GET = route({ auth: false }, async ({ req, meta, db }) => {
  const ticket = new URL(req.url).searchParams.get("ticket") ?? undefined;
  const result = await completeSso(db, { ticket, browserToken: cookieValue(req, browserCookieName()), meta, previousToken: sessionTokenFromRequest(req) });
  const headers = new Headers({ "referrer-policy": "no-referrer" });
  for (const c of clearedAuthjsCookies(req)) headers.append("set-cookie", c);
  headers.append("set-cookie", serializeClearedBrowserCookie());
  if (result.kind === "tested") {
    headers.set("location", "/admin/sso?test=ok");
  } else if (result.kind === "refused") {
    headers.set("location", `${SSO_PAGE}?error=${result.reason}`);
  } else {
    // A half-finished password sign-in in this browser dies with this one.
    await revokeSessionByToken(db, cookieValue(req, mfaPendingCookieName()));
    if (result.mfaRequired) {
      headers.append("set-cookie", serializeMfaPendingCookie(result.token));
      headers.set("location", "/mfa/verify?next=%2Fdashboard");
    } else {
      headers.append("set-cookie", serializeSessionCookie(result.token));
      headers.append("set-cookie", serializeClearedMfaPendingCookie());
      headers.set("location", "/dashboard");
    }
  }
  return new Response(null, { status: 303, headers });
});

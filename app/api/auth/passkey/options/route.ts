import { route } from "@/lib/gate";
import { passkeySignInOptions, serializePasskeyChallengeCookie } from "@/lib/mfa";

/** Passwordless sign-in, step 1 (public): a challenge bound to a fresh cookie of this browser. */
export const POST = route({ auth: false }, async ({ meta, db }) => {
  const { options, cookieToken } = await passkeySignInOptions(db, meta);
  const response = Response.json({ options }, { headers: { "cache-control": "no-store" } });
  response.headers.append("set-cookie", serializePasskeyChallengeCookie(cookieToken));
  return response;
});

import { route } from "@/lib/gate";
import { handleSsoCallback } from "@/lib/sso";

/** The identity provider's redirect back (public): Auth.js checks it, our signIn callback decides. */
export const GET = route({ auth: false }, async ({ req, params, meta, db }) => {
  const { location, cookies } = await handleSsoCallback(db, req, String(params.connectionId ?? ""), meta);
  const response = new Response(null, { status: 303, headers: { location, "referrer-policy": "no-referrer" } });
  for (const c of cookies) response.headers.append("set-cookie", c);
  return response;
});

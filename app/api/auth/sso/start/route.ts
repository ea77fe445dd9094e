import { z } from "zod";
import { boundaryText } from "@/lib/http";
import { route } from "@/lib/gate";
import { startSsoSignIn } from "@/lib/sso";

const bodySchema = z
  .object({
    email: boundaryText().trim().toLowerCase().max(320, "An e-mail address is at most 320 characters.").pipe(z.email("Enter your work e-mail address.")).optional(),
    organizationId: z.uuid("That organization sign-in link is not valid.").optional(),
  })
  .refine((b) => b.email || b.organizationId, { message: "Enter your work e-mail address.", path: ["email"] });

/**
 * "Sign in with SSO", step 1 (public): the work e-mail's verified domain, or the organization's own
 * sign-in link, picks the identity provider; Auth.js builds the authorization request. The answer
 * carries the browser-binding cookie and Auth.js's state/PKCE/nonce cookies.
 */
export const POST = route({ auth: false, body: bodySchema, maxBodyBytes: 2 * 1024 }, async ({ body, meta, db }) => {
  const { location, cookies } = await startSsoSignIn(db, { email: body.email, organizationId: body.organizationId, meta });
  const response = Response.json({ ok: true, redirect: location });
  for (const c of cookies) response.headers.append("set-cookie", c);
  return response;
});

import { route } from "@/lib/gate";
import { registrationOptions, registrationOptionsBodySchema } from "@/lib/mfa";

/** Step 1 of adding a security key or passkey: the options for navigator.credentials.create(). */
export const POST = route(
  { auth: true, allowMustEnrol: true, body: registrationOptionsBodySchema, maxBodyBytes: 4 * 1024 },
  async ({ session, body, db }) => {
    const options = await registrationOptions(db, session, body.kind);
    return Response.json({ options }, { headers: { "cache-control": "no-store" } });
  },
);

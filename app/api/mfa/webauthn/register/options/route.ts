import { getDb } from "@/db";
import { route } from "@/lib/http";
import { registrationOptions, registrationOptionsBodySchema } from "@/lib/mfa";

/** Step 1 of adding a security key or passkey: the options for navigator.credentials.create(). */
export const POST = route(
  { auth: true, allowMustEnrol: true, body: registrationOptionsBodySchema, maxBodyBytes: 4 * 1024 },
  async ({ session, body }) => {
    const options = await registrationOptions(getDb(), session, body.kind);
    return Response.json({ options }, { headers: { "cache-control": "no-store" } });
  },
);

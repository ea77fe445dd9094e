import { route } from "@/lib/gate";
import { secondFactorOptions } from "@/lib/mfa";

/** Step-up: options for the signed-in user's own security keys and passkeys. */
export const POST = route({ auth: true }, async ({ session, db }) => {
  const options = await secondFactorOptions(db, session);
  return Response.json({ options }, { headers: { "cache-control": "no-store" } });
});

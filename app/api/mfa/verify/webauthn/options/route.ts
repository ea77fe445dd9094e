import { route } from "@/lib/gate";
import { secondFactorOptions } from "@/lib/mfa";

/** Sign-in, second step: options for the user's own security keys and passkeys (MFA-pending session only). */
export const POST = route({ auth: "mfa_pending" }, async ({ session, db }) => {
  const options = await secondFactorOptions(db, session);
  return Response.json({ options }, { headers: { "cache-control": "no-store" } });
});

import { getDb } from "@/db";
import { route } from "@/lib/http";
import { secondFactorOptions } from "@/lib/mfa";

/** Sign-in, second step: options for the user's own security keys and passkeys (MFA-pending session only). */
export const POST = route({ auth: "mfa_pending" }, async ({ session }) => {
  const options = await secondFactorOptions(getDb(), session);
  return Response.json({ options }, { headers: { "cache-control": "no-store" } });
});

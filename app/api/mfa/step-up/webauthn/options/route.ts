import { getDb } from "@/db";
import { route } from "@/lib/http";
import { secondFactorOptions } from "@/lib/mfa";

/** Step-up: options for the signed-in user's own security keys and passkeys. */
export const POST = route({ auth: true }, async ({ session }) => {
  const options = await secondFactorOptions(getDb(), session);
  return Response.json({ options }, { headers: { "cache-control": "no-store" } });
});

import { getDb } from "@/db";
import { revokeSession } from "@/lib/auth";
import { serializeClearedSessionCookie } from "@/lib/auth/cookie";
import { route } from "@/lib/http";

export const POST = route({ auth: true, allowMustEnrol: true }, async ({ session }) => {
  await revokeSession(getDb(), session.user.id, session.session.id);
  const response = new Response(null, { status: 204 });
  response.headers.append("set-cookie", serializeClearedSessionCookie());
  return response;
});

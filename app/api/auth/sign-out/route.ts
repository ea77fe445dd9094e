import { getDb } from "@/db";
import { revokeSession, sessionCookieName } from "@/lib/auth";
import { route } from "@/lib/http";

export const POST = route({ auth: true }, async ({ session }) => {
  await revokeSession(getDb(), session.user.id, session.session.id);
  const response = new Response(null, { status: 204 });
  response.headers.append("set-cookie", `${sessionCookieName()}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  return response;
});

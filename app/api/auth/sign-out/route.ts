import { revokeSession, recordAccountEvent, serializeClearedSessionCookie } from "@/lib/auth";
import { route } from "@/lib/gate";

export const POST = route({ auth: true, allowMustEnrol: true }, async ({ session, meta, db }) => {
  await revokeSession(db, session.user.id, session.session.id);
  await recordAccountEvent(db, { action: "auth.sign_out", userId: session.user.id, organizationId: session.organization.id }, meta);
  const response = new Response(null, { status: 204 });
  response.headers.append("set-cookie", serializeClearedSessionCookie());
  return response;
});

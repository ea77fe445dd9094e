import { revokeSession, recordAccountEvent } from "@/lib/auth";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/gate";

export const DELETE = route({ auth: true }, async ({ session, params, meta, db }) => {
  const id = String(params.id ?? "");
  // Scoped by the session's user: another user's id matches nothing and reads as "not found".
  if (!/^[0-9a-f]{64}$/.test(id) || !(await revokeSession(db, session.user.id, id))) throw notFound("That session");
  await recordAccountEvent(db, { action: "auth.session_revoked", userId: session.user.id, organizationId: session.organization.id, targetId: id.slice(0, 12) }, meta);
  return new Response(null, { status: 204 });
});

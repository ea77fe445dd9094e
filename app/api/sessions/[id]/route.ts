import { z } from "zod";
import { listSessions, revokeSession, recordAccountEvent } from "@/lib/auth";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/gate";
import { boundaryText } from "@/lib/http";
import { requireReauthentication } from "@/lib/mfa";

/** `{}` from a user with a second factor (who steps up first); `{ "password": "..." }` from a password-only one. */
const bodySchema = z.object({ password: boundaryText().max(512, "That password is too long.").optional() });

export const DELETE = route({ auth: true, body: bodySchema }, async ({ session, params, meta, body, db }) => {
  const id = String(params.id ?? "");
  // Scoped by the session's user: another user's id matches nothing and reads as "not found" (what
  // GET /api/sessions already tells this session, so asking before re-authentication leaks nothing).
  const own = /^[0-9a-f]{64}$/.test(id) && (await listSessions(db, session.user.id)).some((s) => s.id === id);
  if (!own) throw notFound("That session");
  // ASVS V7.5.2: a fresh factor (or the password) first, so a stolen session cannot end its owner's.
  await requireReauthentication(db, session, { password: body.password, meta });
  if (!(await revokeSession(db, session.user.id, id))) throw notFound("That session");
  await recordAccountEvent(db, { action: "auth.session_revoked", userId: session.user.id, organizationId: session.organization.id, targetId: id.slice(0, 12) }, meta);
  return new Response(null, { status: 204 });
});

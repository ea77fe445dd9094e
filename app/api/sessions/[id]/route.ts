import { z } from "zod";
import { getDb } from "@/db";
import { listSessions, revokeSession } from "@/lib/auth";
import { recordAccountEvent } from "@/lib/auth/audit";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http";
import { boundaryText } from "@/lib/http/boundary-text";
import { requireReauthentication } from "@/lib/mfa";

/** `{}` from a user with a second factor (who steps up first); `{ "password": "..." }` from a password-only one. */
const bodySchema = z.object({ password: boundaryText().max(512, "That password is too long.").optional() });

export const DELETE = route({ auth: true, body: bodySchema }, async ({ session, params, meta, body }) => {
  const id = String(params.id ?? "");
  // Scoped by the session's user: another user's id matches nothing and reads as "not found" (what
  // GET /api/sessions already tells this session, so asking before re-authentication leaks nothing).
  const own = /^[0-9a-f]{64}$/.test(id) && (await listSessions(getDb(), session.user.id)).some((s) => s.id === id);
  if (!own) throw notFound("That session");
  // ASVS V7.5.2: a fresh factor (or the password) first, so a stolen session cannot end its owner's.
  await requireReauthentication(getDb(), session, { password: body.password, meta });
  if (!(await revokeSession(getDb(), session.user.id, id))) throw notFound("That session");
  await recordAccountEvent(getDb(), { action: "auth.session_revoked", userId: session.user.id, organizationId: session.organization.id, targetId: id.slice(0, 12) }, meta);
  return new Response(null, { status: 204 });
});

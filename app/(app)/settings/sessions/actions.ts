"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { revokeSession, revokeOtherSessions, recordAccountEvent } from "@/lib/auth";
import { formAction } from "@/lib/gate";

export const revokeSessionAction = formAction(
  { auth: true, schema: z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/, "Unknown session.") }) },
  async ({ sessionId }, { session, db }) => {
    // Scoped to the signed-in user: another user's session id simply matches nothing.
    const revoked = await revokeSession(db, session.user.id, sessionId);
    if (revoked) {
      // The session id is a hash of its token; a prefix tells sessions apart in the log.
      await recordAccountEvent(db, { action: "auth.session_revoked", userId: session.user.id, organizationId: session.organization.id, targetId: sessionId.slice(0, 12) });
    }
    revalidatePath("/settings/sessions");
    return revoked ? { ok: true, message: "That session was signed out." } : { ok: false, message: "That session no longer exists." };
  },
);

export const revokeOtherSessionsAction = formAction({ auth: true, schema: z.object({}) }, async (_input, { session, db }) => {
  const count = await revokeOtherSessions(db, session.user.id, session.session.id);
  await recordAccountEvent(db, { action: "auth.other_sessions_revoked", userId: session.user.id, organizationId: session.organization.id, metadata: { count } });
  revalidatePath("/settings/sessions");
  return { ok: true, message: count === 1 ? "1 other session was signed out." : `${count} other sessions were signed out.` };
});

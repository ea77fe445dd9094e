"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { revokeSession, revokeOtherSessions, recordAccountEvent } from "@/lib/auth";
import { formAction } from "@/lib/gate";
import { boundaryText } from "@/lib/http";
import { requireReauthentication } from "@/lib/mfa";

/** Only password-only users send it: a user with a second factor steps up instead (lib/mfa). */
const password = boundaryText().max(512, "That password is too long.").optional();

export const revokeSessionAction = formAction(
  { auth: true, schema: z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/, "Unknown session."), password }) },
  async ({ sessionId, password }, { session, meta, db }) => {
    // ASVS V7.5.2: a fresh factor (or the password) first, so a stolen session cannot end its owner's.
    await requireReauthentication(db, session, { password, meta });
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

export const revokeOtherSessionsAction = formAction({ auth: true, schema: z.object({ password }) }, async ({ password }, { session, meta, db }) => {
  await requireReauthentication(db, session, { password, meta });
  const count = await revokeOtherSessions(db, session.user.id, session.session.id);
  await recordAccountEvent(db, { action: "auth.other_sessions_revoked", userId: session.user.id, organizationId: session.organization.id, metadata: { count } });
  revalidatePath("/settings/sessions");
  return { ok: true, message: count === 1 ? "1 other session was signed out." : `${count} other sessions were signed out.` };
});

"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { revokeOtherSessions, revokeSession } from "@/lib/auth";
import { recordAccountEvent } from "@/lib/auth/audit";
import { formAction } from "@/lib/http/action";
import { boundaryText } from "@/lib/http/boundary-text";
import { requireReauthentication } from "@/lib/mfa";

/** Only password-only users send it: a user with a second factor steps up instead (lib/mfa). */
const password = boundaryText().max(512, "That password is too long.").optional();

export const revokeSessionAction = formAction(
  { auth: true, schema: z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/, "Unknown session."), password }) },
  async ({ sessionId, password }, { session, meta }) => {
    // ASVS V7.5.2: a fresh factor (or the password) first, so a stolen session cannot end its owner's.
    await requireReauthentication(getDb(), session, { password, meta });
    // Scoped to the signed-in user: another user's session id simply matches nothing.
    const revoked = await revokeSession(getDb(), session.user.id, sessionId);
    if (revoked) {
      // The session id is a hash of its token; a prefix tells sessions apart in the log.
      await recordAccountEvent(getDb(), { action: "auth.session_revoked", userId: session.user.id, organizationId: session.organization.id, targetId: sessionId.slice(0, 12) });
    }
    revalidatePath("/settings/sessions");
    return revoked ? { ok: true, message: "That session was signed out." } : { ok: false, message: "That session no longer exists." };
  },
);

export const revokeOtherSessionsAction = formAction({ auth: true, schema: z.object({ password }) }, async ({ password }, { session, meta }) => {
  await requireReauthentication(getDb(), session, { password, meta });
  const count = await revokeOtherSessions(getDb(), session.user.id, session.session.id);
  await recordAccountEvent(getDb(), { action: "auth.other_sessions_revoked", userId: session.user.id, organizationId: session.organization.id, metadata: { count } });
  revalidatePath("/settings/sessions");
  return { ok: true, message: count === 1 ? "1 other session was signed out." : `${count} other sessions were signed out.` };
});

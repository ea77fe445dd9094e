"use server";

import { revalidatePath } from "next/cache";
import { changePassword, changePasswordSchema } from "@/lib/auth";
import { formAction } from "@/lib/gate";
import { requireRecentMfa } from "@/lib/mfa";

/**
 * "Change password" (ASVS V6.2.2, V6.2.3). A user with a second factor steps up first, as for every
 * sensitive change; the current password is checked like a sign-in either way, so a session left
 * open on a shared computer cannot lock its owner out of the account.
 */
export const changePasswordAction = formAction({ auth: true, schema: changePasswordSchema }, async ({ currentPassword, newPassword }, { session, meta, db }) => {
  if (session.mfa.enrolled) requireRecentMfa(session);
  const { sessionsEnded } = await changePassword(db, session, { currentPassword, newPassword, meta });
  revalidatePath("/settings/sessions");
  const others = sessionsEnded === 1 ? "1 other session was" : `${sessionsEnded} other sessions were`;
  return { ok: true, message: `Your password was changed. ${others} signed out.` };
});

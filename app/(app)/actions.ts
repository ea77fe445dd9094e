"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { setSessionCookie, revokeSession, getSession, getMfaPendingSession, clearSessionCookie, clearMfaPendingCookie, recordAccountEvent } from "@/lib/auth";
import { formAction } from "@/lib/gate";
import { switchOrganization } from "@/lib/orgs";

/** Public on purpose: signing out must work even when the session already ended. */
export const signOutAction = formAction({ auth: false, schema: z.object({}) }, async (_input, { db }) => {
  const session = (await getSession()) ?? (await getMfaPendingSession());
  if (session && (await revokeSession(db, session.user.id, session.session.id))) {
    await recordAccountEvent(db, { action: "auth.sign_out", userId: session.user.id, organizationId: session.organization.id });
  }
  await clearSessionCookie();
  await clearMfaPendingCookie();
  redirect("/sign-in");
});

export const switchOrganizationAction = formAction(
  // Reachable while MFA enrolment is overdue: another organization may not require it.
  { auth: true, allowMustEnrol: true, schema: z.object({ organizationId: z.uuid({ error: "Choose an organization." }) }) },
  async ({ organizationId }, { session, db }) => {
    const rotated = await switchOrganization(db, session, organizationId);
    await setSessionCookie(rotated.token);
    redirect("/dashboard");
  },
);

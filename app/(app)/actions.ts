"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { setSessionCookie, revokeSession, getSession, getMfaPendingSession, clearSessionCookie, clearMfaPendingCookie, recordAccountEvent } from "@/lib/auth";
import { formAction } from "@/lib/http";
import { switchOrganization } from "@/lib/orgs";

/** Public on purpose: signing out must work even when the session already ended. */
export const signOutAction = formAction({ auth: false, schema: z.object({}) }, async () => {
  const session = (await getSession()) ?? (await getMfaPendingSession());
  if (session && (await revokeSession(getDb(), session.user.id, session.session.id))) {
    await recordAccountEvent(getDb(), { action: "auth.sign_out", userId: session.user.id, organizationId: session.organization.id });
  }
  await clearSessionCookie();
  await clearMfaPendingCookie();
  redirect("/sign-in");
});

export const switchOrganizationAction = formAction(
  // Reachable while MFA enrolment is overdue: another organization may not require it.
  { auth: true, allowMustEnrol: true, schema: z.object({ organizationId: z.uuid({ error: "Choose an organization." }) }) },
  async ({ organizationId }, { session }) => {
    const rotated = await switchOrganization(getDb(), session, organizationId);
    await setSessionCookie(rotated.token);
    redirect("/dashboard");
  },
);

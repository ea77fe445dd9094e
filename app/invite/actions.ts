"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { boundaryText } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { passwordInputSchema, tokenSchema } from "@/lib/auth";
import { acceptInvitation } from "@/lib/rbac";

/** Signed in with the invited address: the invitation adds the membership to this account. */
export const acceptInvitationAction = formAction({ auth: true, schema: z.object({ token: tokenSchema }) }, async ({ token }, { session, db }) => {
  await acceptInvitation(db, token, { signedInUserId: session.user.id, signedInEmail: session.user.email });
  redirect("/settings/organizations?joined=1");
});

/**
 * Public on purpose: the invitation link is the proof (of the mailbox), there is no account yet.
 * The token is spent in the same transaction that creates the account and the membership.
 */
export const joinWithNewAccountAction = formAction(
  {
    auth: false,
    schema: z.object({
      token: tokenSchema,
      name: boundaryText({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
      password: passwordInputSchema,
    }),
  },
  async ({ token, name, password }, { db }) => {
    await acceptInvitation(db, token, { name, password });
    redirect("/sign-in?joined=1");
  },
);

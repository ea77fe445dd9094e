"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { confirmSchema } from "@/components/admin/form-schemas";
import { getDb } from "@/db";
import { formAction } from "@/lib/http";
import { revokeInvitation, inviteSchema, inviteMember, INVITATION_DAYS } from "@/lib/rbac";

export const inviteMemberAction = formAction({ auth: true, permission: "members:invite", schema: inviteSchema }, async (input, { session }) => {
  await inviteMember(getDb(), session, input);
  revalidatePath("/admin/invitations");
  return { ok: true, message: `Invitation sent to ${input.email}. The link works once and expires in ${INVITATION_DAYS} days.` };
});

export const revokeInvitationAction = formAction(
  { auth: true, permission: "members:invite", schema: z.object({ invitationId: z.uuid({ error: "Unknown invitation." }), confirm: confirmSchema }) },
  async ({ invitationId }, { session }) => {
    await revokeInvitation(getDb(), session, invitationId);
    revalidatePath("/admin/invitations");
    return { ok: true, message: "The invitation was revoked: its link no longer works." };
  },
);

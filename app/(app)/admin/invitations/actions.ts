"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { revokeInvitation, inviteSchema, inviteMember, INVITATION_DAYS } from "@/lib/rbac";

export const inviteMemberAction = formAction({ auth: true, permission: "members:invite", schema: inviteSchema }, async (input, { session, db }) => {
  await inviteMember(db, session, input);
  revalidatePath("/admin/invitations");
  return { ok: true, message: `Invitation sent to ${input.email}. The link works once and expires in ${INVITATION_DAYS} days.` };
});

export const revokeInvitationAction = formAction(
  { auth: true, permission: "members:invite", schema: z.object({ invitationId: z.uuid({ error: "Unknown invitation." }), confirm: confirmSchema }) },
  async ({ invitationId }, { session, db }) => {
    await revokeInvitation(db, session, invitationId);
    revalidatePath("/admin/invitations");
    return { ok: true, message: "The invitation was revoked: its link no longer works." };
  },
);

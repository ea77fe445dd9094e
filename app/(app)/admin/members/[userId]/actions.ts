"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { suspendMember, revokeMemberSessions, removeMember, reactivateMember, forcePasswordReset, changeMemberRole, rotateOwnSession } from "@/lib/rbac";

const memberId = z.uuid({ error: "Unknown member." });
const confirmed = z.object({ userId: memberId, confirm: confirmSchema });

function refresh(userId: string) {
  revalidatePath(`/admin/members/${userId}`);
  revalidatePath("/admin/members");
}

export const changeMemberRoleAction = formAction(
  { auth: true, permission: "roles:assign", schema: z.object({ userId: memberId, roleId: z.uuid({ error: "Choose a role." }) }) },
  async ({ userId, roleId }, { session, db }) => {
    await changeMemberRole(db, session, userId, roleId);
    // Changing your own role marks your own session for a new id: give it here, where cookies can be set.
    if (userId === session.user.id) await rotateOwnSession(session);
    refresh(userId);
    return { ok: true, message: "The role was changed. It applies from the member's next request." };
  },
);

export const suspendMemberAction = formAction({ auth: true, permission: "members:manage", schema: confirmed }, async ({ userId }, { session, db }) => {
  await suspendMember(db, session, userId);
  refresh(userId);
  return { ok: true, message: "The member is suspended and was signed out everywhere." };
});

export const reactivateMemberAction = formAction({ auth: true, permission: "members:manage", schema: z.object({ userId: memberId }) }, async ({ userId }, { session, db }) => {
  await reactivateMember(db, session, userId);
  refresh(userId);
  return { ok: true, message: "The member is active again and can sign in." };
});

export const revokeMemberSessionsAction = formAction({ auth: true, permission: "members:manage", schema: confirmed }, async ({ userId }, { session, db }) => {
  await revokeMemberSessions(db, session, userId);
  refresh(userId);
  return { ok: true, message: "The member was signed out on every device." };
});

export const forcePasswordResetAction = formAction({ auth: true, permission: "members:manage", schema: confirmed }, async ({ userId }, { session, db }) => {
  await forcePasswordReset(db, session, userId);
  refresh(userId);
  return { ok: true, message: "The member's password no longer works; we e-mailed them a link to choose a new one." };
});

export const removeMemberAction = formAction({ auth: true, permission: "members:manage", schema: confirmed }, async ({ userId }, { session, db }) => {
  await removeMember(db, session, userId);
  revalidatePath("/admin/members");
  redirect("/admin/members?removed=1");
});

"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { confirmSchema, ROLE_PREFIX, withCheckedList } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { saveGroup, removeGroupMember, groupInputSchema, deleteGroup, addGroupMember, rotateOwnSession } from "@/lib/rbac";

const groupId = z.uuid({ error: "Unknown group." });
const roleList = { key: "roleIds", prefix: ROLE_PREFIX };

// Group changes mark the group's members' sessions for a new id (the editor's too if they belong
// to it): the editor's own gets it in this response, everyone else's on their next request.

export const createGroupAction = formAction(
  { auth: true, permission: "roles:manage", schema: withCheckedList(groupInputSchema, ["name", "description"], roleList) },
  async (input, { session, db }) => {
    const id = await saveGroup(db, session, input);
    await rotateOwnSession(session);
    revalidatePath("/admin/groups");
    redirect(`/admin/groups/${id}?created=1`);
  },
);

export const updateGroupAction = formAction(
  { auth: true, permission: "roles:manage", schema: withCheckedList(groupInputSchema.extend({ groupId }), ["groupId", "name", "description"], roleList) },
  async ({ groupId, ...input }, { session, db }) => {
    await saveGroup(db, session, input, groupId);
    await rotateOwnSession(session);
    revalidatePath("/admin/groups");
    redirect(`/admin/groups/${groupId}?saved=1`);
  },
);

export const deleteGroupAction = formAction({ auth: true, permission: "roles:manage", schema: z.object({ groupId, confirm: confirmSchema }) }, async ({ groupId }, { session, db }) => {
  await deleteGroup(db, session, groupId);
  await rotateOwnSession(session);
  revalidatePath("/admin/groups");
  redirect("/admin/groups?deleted=1");
});

export const addGroupMemberAction = formAction(
  { auth: true, permission: "roles:assign", schema: z.object({ groupId, userId: z.uuid({ error: "Choose a member." }) }) },
  async ({ groupId, userId }, { session, db }) => {
    await addGroupMember(db, session, groupId, userId);
    await rotateOwnSession(session);
    revalidatePath("/admin/groups");
    redirect(`/admin/groups/${groupId}?added=1`);
  },
);

export const removeGroupMemberAction = formAction(
  { auth: true, permission: "roles:assign", schema: z.object({ groupId, userId: z.uuid({ error: "Unknown member." }) }) },
  async ({ groupId, userId }, { session, db }) => {
    await removeGroupMember(db, session, groupId, userId);
    await rotateOwnSession(session);
    revalidatePath("/admin/groups");
    redirect(`/admin/groups/${groupId}?removed=1`);
  },
);

"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { confirmSchema, PERMISSION_PREFIX, withCheckedList } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { updateRole, roleInputSchema, deleteRole, createRole, rotateOwnSession } from "@/lib/rbac";

const roleId = z.uuid({ error: "Unknown role." });
const permissionList = { key: "permissions", prefix: PERMISSION_PREFIX };

// Role changes mark every session of the organization for a new id, the editor's too: the
// editor's own gets it in this response (rotateOwnSession), everyone else's on their next request.

export const createRoleAction = formAction(
  { auth: true, permission: "roles:manage", schema: withCheckedList(roleInputSchema, ["name", "description", "parentId"], permissionList) },
  async (input, { session, db }) => {
    await createRole(db, session, input);
    await rotateOwnSession(session);
    revalidatePath("/admin/roles");
    redirect("/admin/roles?created=1");
  },
);

export const updateRoleAction = formAction(
  { auth: true, permission: "roles:manage", schema: withCheckedList(roleInputSchema.extend({ roleId }), ["roleId", "name", "description", "parentId"], permissionList) },
  async ({ roleId, ...input }, { session, db }) => {
    await updateRole(db, session, roleId, input);
    await rotateOwnSession(session);
    revalidatePath("/admin/roles");
    redirect(`/admin/roles/${roleId}?saved=1`);
  },
);

export const deleteRoleAction = formAction({ auth: true, permission: "roles:manage", schema: z.object({ roleId, confirm: confirmSchema }) }, async ({ roleId }, { session, db }) => {
  await deleteRole(db, session, roleId);
  await rotateOwnSession(session);
  revalidatePath("/admin/roles");
  redirect("/admin/roles?deleted=1");
});

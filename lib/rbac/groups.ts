import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { boundaryText, parseOrThrow } from "@/lib/http";
import type { Database } from "@/db";
import { groupMembers, groupRoles, groups, sessions, users } from "@/db/schema";
import { markSessionsForRotation, type SessionContext } from "@/lib/credentials";
import { AppError, badRequest, notFound } from "@/lib/errors";
import { authorize } from "./authorize";
import { recordRbacEvent, requireStepUpForSensitiveChange } from "./sensitive-change";
import { getMembership } from "./members";
import { assertCanGrantRoles } from "./rules";
import { loadRoleTree } from "./tree-queries";

export const groupInputSchema = z.object({
  name: boundaryText({ error: "Give the group a name." }).trim().min(2, "Give the group a name.").max(60, "Use at most 60 characters."),
  description: boundaryText().trim().max(300, "Use at most 300 characters.").default(""),
  roleIds: z.array(z.uuid()).max(20).default([]),
});

export async function listGroups(db: Database, ctx: SessionContext) {
  authorize(ctx, "roles:read");
  const rows = await db.select().from(groups).where(eq(groups.organizationId, ctx.organization.id)).orderBy(asc(groups.name));
  const members = await db
    .select({ groupId: groupMembers.groupId, userId: users.id, name: users.name, email: users.email })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(eq(groups.organizationId, ctx.organization.id));
  const held = await db
    .select({ groupId: groupRoles.groupId, roleId: groupRoles.roleId })
    .from(groupRoles)
    .innerJoin(groups, eq(groups.id, groupRoles.groupId))
    .where(eq(groups.organizationId, ctx.organization.id));
  return rows.map((g) => ({
    ...g,
    members: members.filter((m) => m.groupId === g.id),
    roleIds: held.filter((h) => h.groupId === g.id).map((h) => h.roleId),
  }));
}

async function groupInOrg(db: Database, ctx: SessionContext, groupId: string) {
  const [g] = await db.select().from(groups).where(and(eq(groups.id, groupId), eq(groups.organizationId, ctx.organization.id)));
  if (!g) throw notFound("That group");
  return g;
}

export const DIRECTORY_MANAGED_GROUP =
  "This group comes from your organization's directory (SCIM): change its name and members in your identity provider. Its roles are set on the SCIM provisioning page.";

/** The directory owns a directory-managed group's name and members: the group pages only read it. */
async function editableGroupInOrg(db: Database, ctx: SessionContext, groupId: string) {
  const g = await groupInOrg(db, ctx, groupId);
  if (g.directoryManaged) throw new AppError("directory_managed", 409, DIRECTORY_MANAGED_GROUP);
  return g;
}

/** Every member of the group gets a new session id on their next request (one statement). */
async function rotateGroupMembers(db: Database, groupId: string) {
  const members = db.select({ userId: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, groupId));
  await db.update(sessions).set({ rotationPending: true }).where(inArray(sessions.userId, members));
}

/** Creates or updates a group and the roles it carries (each role's permissions must be the editor's own). */
export async function saveGroup(db: Database, ctx: SessionContext, input: z.input<typeof groupInputSchema>, groupId?: string) {
  authorize(ctx, "roles:manage");
  await requireStepUpForSensitiveChange(ctx);
  const data = parseOrThrow(groupInputSchema, input);
  return db.transaction(async (tx) => {
    const tree = await loadRoleTree(tx, ctx.organization.id);
    for (const id of data.roleIds) if (!tree.some((r) => r.id === id)) throw notFound("That role");
    if (groupId) await editableGroupInOrg(tx, ctx, groupId);
    const previous = groupId ? (await tx.select().from(groupRoles).where(eq(groupRoles.groupId, groupId))).map((r) => r.roleId) : [];
    assertCanGrantRoles(ctx, tree, data.roleIds.filter((id) => !previous.includes(id)));
    let id = groupId;
    if (id) {
      await tx.update(groups).set({ name: data.name, description: data.description }).where(eq(groups.id, id));
    } else {
      const [row] = await tx
        .insert(groups)
        .values({ organizationId: ctx.organization.id, name: data.name, description: data.description })
        .onConflictDoNothing()
        .returning({ id: groups.id });
      if (!row) throw badRequest("A group with that name already exists.", { name: "A group with that name already exists." });
      id = row.id;
    }
    await tx.delete(groupRoles).where(eq(groupRoles.groupId, id));
    if (data.roleIds.length) await tx.insert(groupRoles).values(data.roleIds.map((roleId) => ({ groupId: id!, roleId })));
    await rotateGroupMembers(tx, id);
    await recordRbacEvent(tx, ctx, { action: groupId ? "group.updated" : "group.created", groupId: id });
    return id;
  });
}

export async function deleteGroup(db: Database, ctx: SessionContext, groupId: string) {
  authorize(ctx, "roles:manage");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    await editableGroupInOrg(tx, ctx, groupId);
    await rotateGroupMembers(tx, groupId);
    await tx.delete(groups).where(eq(groups.id, groupId));
    await recordRbacEvent(tx, ctx, { action: "group.deleted", groupId });
  });
}

/** Adding someone to a group hands them the group's roles: the adder must hold all of it. */
export async function addGroupMember(db: Database, ctx: SessionContext, groupId: string, userId: string) {
  authorize(ctx, "roles:assign");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    await editableGroupInOrg(tx, ctx, groupId);
    await getMembership(tx, ctx, userId);
    const tree = await loadRoleTree(tx, ctx.organization.id);
    const carried = (await tx.select().from(groupRoles).where(eq(groupRoles.groupId, groupId))).map((r) => r.roleId);
    assertCanGrantRoles(ctx, tree, carried);
    await tx.insert(groupMembers).values({ groupId, userId }).onConflictDoNothing();
    await markSessionsForRotation(tx, userId);
    await recordRbacEvent(tx, ctx, { action: "group.updated", groupId });
  });
}

export async function removeGroupMember(db: Database, ctx: SessionContext, groupId: string, userId: string) {
  authorize(ctx, "roles:assign");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    await editableGroupInOrg(tx, ctx, groupId);
    await getMembership(tx, ctx, userId); // a user of another organization reads as not found
    await tx.delete(groupMembers).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
    await markSessionsForRotation(tx, userId);
    await recordRbacEvent(tx, ctx, { action: "group.updated", groupId });
  });
}

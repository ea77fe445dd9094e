import "server-only";
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { boundaryText, parseOrThrow } from "@/lib/http";
import type { Database } from "@/db";
import { groupRoles, invitations, memberships, rolePermissions, roles, sessions } from "@/db/schema";
import type { SessionContext } from "@/lib/credentials";
import { AppError, badRequest, notFound } from "@/lib/errors";
import { authorize } from "./authorize";
import { recordRbacEvent, requireStepUpForSensitiveChange } from "./sensitive-change";
import { isPermission, type Permission } from "@/lib/permissions";
import { effectiveRolePermissions, wouldCreateCycle } from "./role-tree";
import { assertCanGrant, assertNotAbove } from "./rules";
import { loadRoleTree } from "./tree-queries";

export const roleInputSchema = z.object({
  name: boundaryText({ error: "Give the role a name." }).trim().min(2, "Give the role a name.").max(60, "Use at most 60 characters."),
  description: boundaryText().trim().max(300, "Use at most 300 characters.").default(""),
  parentId: z.uuid({ error: "Choose where the role sits in the tree." }),
  permissions: z.array(z.string().refine(isPermission, "Unknown permission.")).max(100).default([]),
});

export async function listRoles(db: Database, ctx: SessionContext) {
  authorize(ctx, "roles:read");
  const tree = await loadRoleTree(db, ctx.organization.id);
  return tree.map((r) => ({ ...r, effective: [...effectiveRolePermissions(tree, r.id)] }));
}

/** Every member's sessions in the organization get a new id on their next request. */
async function rotateOrganizationSessions(db: Database, organizationId: string) {
  await db.update(sessions).set({ rotationPending: true }).where(eq(sessions.organizationId, organizationId));
}

export async function createRole(db: Database, ctx: SessionContext, input: z.input<typeof roleInputSchema>) {
  authorize(ctx, "roles:manage");
  await requireStepUpForSensitiveChange(ctx);
  const data = parseOrThrow(roleInputSchema, input);
  return db.transaction(async (tx) => {
    const tree = await loadRoleTree(tx, ctx.organization.id);
    if (!tree.some((r) => r.id === data.parentId)) throw notFound("That parent role");
    assertCanGrant(ctx, data.permissions as Permission[]);
    const [role] = await tx
      .insert(roles)
      .values({ organizationId: ctx.organization.id, name: data.name, description: data.description, parentId: data.parentId })
      .onConflictDoNothing()
      .returning({ id: roles.id });
    if (!role) throw badRequest("A role with that name already exists.", { name: "A role with that name already exists." });
    if (data.permissions.length) await tx.insert(rolePermissions).values(data.permissions.map((permission) => ({ roleId: role.id, permission })));
    await rotateOrganizationSessions(tx, ctx.organization.id);
    await recordRbacEvent(tx, ctx, { action: "role.created", roleId: role.id });
    return role.id;
  });
}

/**
 * Edits a role's name, description, place in the tree and grants. The owner role always holds
 * everything; built-in names stay; no role moves under itself; added grants must be the editor's own.
 */
export async function updateRole(db: Database, ctx: SessionContext, roleId: string, input: z.input<typeof roleInputSchema>) {
  authorize(ctx, "roles:manage");
  await requireStepUpForSensitiveChange(ctx);
  const data = parseOrThrow(roleInputSchema, input);
  await db.transaction(async (tx) => {
    const tree = await loadRoleTree(tx, ctx.organization.id);
    const role = tree.find((r) => r.id === roleId);
    if (!role) throw notFound("That role");
    assertNotAbove(ctx, tree, roleId);
    if (role.key === "owner") throw new AppError("owner_role_fixed", 409, "The owner role always holds every permission and cannot be edited.");
    if (!tree.some((r) => r.id === data.parentId)) throw notFound("That parent role");
    if (wouldCreateCycle(tree, roleId, data.parentId)) {
      throw badRequest("A role cannot sit below itself or one of its own junior roles.", { parentId: "Choose a role that is not below this one." });
    }
    const added = data.permissions.filter((p) => !role.grants.includes(p as Permission)) as Permission[];
    assertCanGrant(ctx, added);
    await tx
      .update(roles)
      .set({ name: role.builtIn ? role.name : data.name, description: data.description, parentId: data.parentId })
      .where(and(eq(roles.id, roleId), eq(roles.organizationId, ctx.organization.id)));
    await tx.delete(rolePermissions).where(eq(rolePermissions.roleId, roleId));
    if (data.permissions.length) await tx.insert(rolePermissions).values(data.permissions.map((permission) => ({ roleId, permission })));
    await rotateOrganizationSessions(tx, ctx.organization.id);
    await recordRbacEvent(tx, ctx, { action: "role.updated", roleId });
  });
}

/** Deletes an unused custom role; its junior roles move up to its parent. */
export async function deleteRole(db: Database, ctx: SessionContext, roleId: string) {
  authorize(ctx, "roles:manage");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    const tree = await loadRoleTree(tx, ctx.organization.id);
    const role = tree.find((r) => r.id === roleId);
    if (!role) throw notFound("That role");
    assertNotAbove(ctx, tree, roleId);
    if (role.builtIn) throw new AppError("built_in_role", 409, "Built-in roles cannot be deleted.");
    const [held] = await tx.select({ n: count() }).from(memberships).where(eq(memberships.roleId, roleId));
    const [viaGroups] = await tx.select({ n: count() }).from(groupRoles).where(eq(groupRoles.roleId, roleId));
    const [invited] = await tx.select({ n: count() }).from(invitations).where(eq(invitations.roleId, roleId));
    if ((held?.n ?? 0) + (viaGroups?.n ?? 0) + (invited?.n ?? 0) > 0) {
      throw new AppError("role_in_use", 409, "Members, groups or invitations still use this role. Move them to another role first.");
    }
    await tx.update(roles).set({ parentId: role.parentId }).where(eq(roles.parentId, roleId));
    await tx.delete(roles).where(and(eq(roles.id, roleId), eq(roles.organizationId, ctx.organization.id)));
    await rotateOrganizationSessions(tx, ctx.organization.id);
    await recordRbacEvent(tx, ctx, { action: "role.deleted", roleId });
  });
}

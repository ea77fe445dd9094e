import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db";
import { groupMembers, groupRoles, groups, sessions } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { AppError, notFound } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { requireRecentMfa } from "@/lib/mfa";
import { assertCanGrantRoles, authorize, loadRoleTree } from "@/lib/rbac";

/** Directory groups with the role each maps to (the owner's choice; none at first). */
export async function listDirectoryGroups(db: Database, ctx: SessionContext) {
  authorize(ctx, "security:manage");
  const rows = await db
    .select({ id: groups.id, name: groups.name, externalId: groups.externalId })
    .from(groups)
    .where(and(eq(groups.organizationId, ctx.organization.id), eq(groups.directoryManaged, true)))
    .orderBy(asc(groups.name));
  const ids = rows.map((r) => r.id);
  const roles = ids.length ? await db.select().from(groupRoles).where(inArray(groupRoles.groupId, ids)) : [];
  const members = ids.length ? await db.select({ groupId: groupMembers.groupId }).from(groupMembers).where(inArray(groupMembers.groupId, ids)) : [];
  return rows.map((g) => ({
    ...g,
    roleIds: roles.filter((r) => r.groupId === g.id).map((r) => r.roleId),
    memberCount: members.filter((m) => m.groupId === g.id).length,
  }));
}

/**
 * The owner decides what a directory group is worth: one role (or none). The directory only
 * decides who is in the group, so it can never give anyone more than this. The owner role is
 * never mapped (the directory must not be able to mint owners), and, as everywhere, nobody maps a
 * role whose permissions they do not hold.
 */
export async function mapDirectoryGroup(db: Database, ctx: SessionContext, groupId: string, roleId: string | null, meta: RequestMeta): Promise<void> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  await db.transaction(async (tx) => {
    const [g] = await tx
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(and(eq(groups.id, groupId), eq(groups.organizationId, ctx.organization.id), eq(groups.directoryManaged, true)));
    if (!g) throw notFound("That directory group");
    const tree = await loadRoleTree(tx, ctx.organization.id);
    const role = roleId ? tree.find((r) => r.id === roleId) : null;
    if (roleId && !role) throw notFound("That role");
    if (role?.key === "owner") throw new AppError("owner_not_mappable", 400, "The Owner role cannot come from the directory. Make owners in Members.", { roleId: "The Owner role cannot come from the directory." });
    if (role) assertCanGrantRoles(ctx, tree, [role.id]);
    await tx.delete(groupRoles).where(eq(groupRoles.groupId, g.id));
    if (role) await tx.insert(groupRoles).values({ groupId: g.id, roleId: role.id });
    const members = tx.select({ userId: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, g.id));
    await tx.update(sessions).set({ rotationPending: true }).where(inArray(sessions.userId, members));
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "scim.group_mapping_changed",
      result: "success",
      targetType: "group",
      targetId: g.id,
      ...auditRequestFields(meta),
      metadata: { group: g.name, roleId: role?.id ?? null, role: role?.name ?? "none" },
    });
  });
}

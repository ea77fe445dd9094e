import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { groupMembers, groupRoles, groups } from "@/db/schema";
import type { SessionContext } from "@/lib/credentials";
import { authorize } from "./authorize";
import { getMembership } from "./members";
import { PERMISSIONS, type Permission } from "@/lib/permissions";
import { descendantsOf } from "./role-tree";
import { loadRoleTree } from "./tree-queries";

export type PermissionSource = { via: string; grantedBy: string };

/**
 * For one member: every permission they hold and where each comes from, e.g.
 * "reports:export" via "own role Admin", granted by "Accountant" (a role below Admin).
 */
export async function explainMemberPermissions(db: Database, ctx: SessionContext, userId: string) {
  authorize(ctx, "members:read");
  const member = await getMembership(db, ctx, userId);
  const tree = await loadRoleTree(db, ctx.organization.id);
  const byId = new Map(tree.map((r) => [r.id, r]));
  const fromGroups = await db
    .select({ groupName: groups.name, roleId: groupRoles.roleId })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .innerJoin(groupRoles, eq(groupRoles.groupId, groups.id))
    .where(and(eq(groupMembers.userId, userId), eq(groups.organizationId, ctx.organization.id)));

  const held = [
    { roleId: member.roleId, via: `own role ${byId.get(member.roleId)?.name ?? "?"}` },
    ...fromGroups.map((g) => ({ roleId: g.roleId, via: `group ${g.groupName} (role ${byId.get(g.roleId)?.name ?? "?"})` })),
  ];
  const sources = new Map<Permission, PermissionSource[]>();
  for (const h of held) {
    for (const id of [h.roleId, ...descendantsOf(tree, h.roleId)]) {
      const role = byId.get(id);
      for (const p of role?.grants ?? []) {
        sources.set(p, [...(sources.get(p) ?? []), { via: h.via, grantedBy: id === h.roleId ? "directly" : `${role!.name} (a role below it)` }]);
      }
    }
  }
  return {
    member,
    permissions: [...sources.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([permission, from]) => ({ permission, description: PERMISSIONS[permission], sources: from })),
  };
}

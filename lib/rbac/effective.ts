import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import type { SessionContext } from "@/lib/credentials";
import { isPermission, PERMISSIONS, type Permission } from "@/lib/permissions";
import { authorize } from "./authorize";
import { effectiveRoleTree } from "./effective-sql";
import { getMembership } from "./members";
import { loadRoleTree } from "./tree-queries";

export type PermissionSource = { via: string; grantedBy: string };

/**
 * For one member: every permission they hold and where each comes from, e.g.
 * "reports:export" via "own role Admin", granted by "Accountant" (a role below Admin). Resolved by
 * the same SQL as the session query (effectiveRoleTree), only keeping the path each grant took.
 */
export async function explainMemberPermissions(db: Database, ctx: SessionContext, userId: string) {
  authorize(ctx, "members:read");
  const member = await getMembership(db, ctx, userId);
  const organizationId = ctx.organization.id;
  const names = new Map((await loadRoleTree(db, organizationId)).map((r) => [r.id, r.name]));
  const rows = await queryRows<{ role_id: string; held_role_id: string; group_name: string | null; permission: string }>(db, sql`
    with recursive m as (select ${member.roleId}::uuid as role_id),
    ${effectiveRoleTree({ ownRoleFrom: sql`m`, userId, organizationId })}
    select t.role_id, t.held_role_id, g.name as group_name, rp.permission
    from tree t
    join role_permissions rp on rp.role_id = t.role_id
    left join groups g on g.id = t.group_id
    order by t.group_id nulls first, g.name, t.held_role_id, t.role_id = t.held_role_id desc, rp.permission`);

  const sources = new Map<Permission, PermissionSource[]>();
  for (const r of rows) {
    if (!isPermission(r.permission)) continue;
    const held = names.get(r.held_role_id) ?? "?";
    const source = {
      via: r.group_name === null ? `own role ${held}` : `group ${r.group_name} (role ${held})`,
      grantedBy: r.role_id === r.held_role_id ? "directly" : `${names.get(r.role_id) ?? "?"} (a role below it)`,
    };
    sources.set(r.permission, [...(sources.get(r.permission) ?? []), source]);
  }
  return {
    member,
    permissions: [...sources.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([permission, from]) => ({ permission, description: PERMISSIONS[permission], sources: from })),
  };
}

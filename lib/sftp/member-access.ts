import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { effectiveRoleTree, grantedPermissions, treePermissionsSql } from "@/lib/rbac";

export type MemberAccess = { membership: "active" | "suspended" | "none"; permissions: Set<string> };

/**
 * A user's standing in one organization and their effective permissions there (lib/rbac's one rule,
 * as the session query applies it), for callers that hold no browser session (the SFTP server).
 */
export async function memberAccess(db: Database, userId: string, organizationId: string): Promise<MemberAccess> {
  const rows = await queryRows<{ status: string; permissions: string[] | string | null }>(db, sql`
    with recursive m as (
      select m.role_id, m.status from memberships m
      where m.user_id = ${userId} and m.organization_id = ${organizationId}
    ), ${effectiveRoleTree({ ownRoleFrom: sql`m`, userId, organizationId })}
    select m.status, ${treePermissionsSql} as permissions
    from m`);
  const row = rows[0];
  if (!row) return { membership: "none", permissions: new Set() };
  return { membership: row.status === "active" ? "active" : "suspended", permissions: row.status === "active" ? grantedPermissions(row.permissions) : new Set() };
}

import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";

export type MemberAccess = { membership: "active" | "suspended" | "none"; permissions: Set<string> };

/**
 * A user's standing in one organization and their effective permissions there: own role plus
 * group roles, each with every role below it in the tree. The same rules as the session query
 * (lib/auth/session.ts), for callers that hold no browser session (the SFTP server).
 */
export async function memberAccess(db: Database, userId: string, organizationId: string): Promise<MemberAccess> {
  const rows = await queryRows<{ status: string; permissions: string[] | string | null }>(db, sql`
    with recursive m as (
      select m.user_id, m.organization_id, m.role_id, m.status from memberships m
      where m.user_id = ${userId} and m.organization_id = ${organizationId}
    ), held(id) as (
      select role_id from m
      union
      select gr.role_id from group_members gm
      join groups g on g.id = gm.group_id
      join group_roles gr on gr.group_id = gm.group_id
      where gm.user_id = ${userId} and g.organization_id = ${organizationId}
    ), tree(id) as (
      select id from held
      union
      select r.id from roles r join tree on r.parent_id = tree.id
    )
    select m.status, (select json_agg(distinct rp.permission) from role_permissions rp where rp.role_id in (select id from tree)) as permissions
    from m`);
  const row = rows[0];
  if (!row) return { membership: "none", permissions: new Set() };
  const granted = typeof row.permissions === "string" ? (JSON.parse(row.permissions) as string[]) : (row.permissions ?? []);
  return { membership: row.status === "active" ? "active" : "suspended", permissions: new Set(row.status === "active" ? granted : []) };
}

import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { isPermission, type Permission } from "@/lib/permissions";

/**
 * THE effective-permission rule, once, as SQL: a member holds their own role and the roles of their
 * groups in the organization, each with every role below it in the tree. The session query
 * (lib/auth), SFTP access (lib/sftp) and the admin's "why does this member hold this" view all use
 * it, so they cannot disagree.
 *
 * Returns two recursive CTE clauses to follow `with recursive <a CTE holding the own role_id>,`:
 * - held(role_id, group_id): the own role (group_id null) and each group's roles;
 * - tree(role_id, held_role_id, group_id): every role reached, with the held role and group it came
 *   through. `union` (not `union all`) keeps a bad tree with a loop from recursing forever.
 * `ownRoleFrom` names the CTE (one row, a role_id column); user and organization scope the groups.
 */
export function effectiveRoleTree(who: { ownRoleFrom: SQL; userId: SQL | string; organizationId: SQL | string }): SQL {
  return sql`held(role_id, group_id) as (
      select role_id, null::uuid from ${who.ownRoleFrom}
      union
      select gr.role_id, gr.group_id from group_members gm
      join groups g on g.id = gm.group_id
      join group_roles gr on gr.group_id = gm.group_id
      where gm.user_id = ${who.userId} and g.organization_id = ${who.organizationId}
    ), tree(role_id, held_role_id, group_id) as (
      select role_id, role_id, group_id from held
      union
      select r.id, tree.held_role_id, tree.group_id from roles r join tree on r.parent_id = tree.role_id
    )`;
}

/** The permissions of every role in `tree`, as one JSON array column (null when none). */
export const treePermissionsSql = sql`(select json_agg(distinct rp.permission) from role_permissions rp where rp.role_id in (select role_id from tree))`;

/** The JSON array column above (postgres.js hands it over parsed, PGlite sometimes as text), checked. */
export function grantedPermissions(raw: string[] | string | null): Set<Permission> {
  const granted = typeof raw === "string" ? (JSON.parse(raw) as string[]) : (raw ?? []);
  // Unknown strings in the table (a permission removed from the catalogue) grant nothing.
  return new Set(granted.filter(isPermission));
}

import { type Permission, effectiveRolePermissions, isAtOrAbove, type RoleNode } from "@/lib/rbac";

/** Roles in tree order, most senior first, each with its depth (for indented lists and selects). */
export function inTreeOrder<R extends { id: string; parentId: string | null; name: string }>(roles: readonly R[]): (R & { depth: number })[] {
  const ids = new Set(roles.map((r) => r.id));
  const children = new Map<string | null, R[]>();
  for (const r of roles) {
    // A parent outside the list (should not happen) puts the role at the top rather than losing it.
    const parent = r.parentId && ids.has(r.parentId) ? r.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  const out: (R & { depth: number })[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push({ ...r, depth });
      visit(r.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/**
 * Roles the server would let this editor hand out (to a member, an invitation or a group): at or
 * below their own role and granting nothing they do not hold. In tree order.
 */
export function grantableRoles<R extends RoleNode & { name: string }>(
  tree: readonly R[],
  editor: { organization: { roleId: string }; permissions: ReadonlySet<Permission> },
): (R & { depth: number })[] {
  return inTreeOrder(tree).filter(
    (r) => isAtOrAbove(tree, editor.organization.roleId, r.id) && [...effectiveRolePermissions(tree, r.id)].every((p) => editor.permissions.has(p)),
  );
}

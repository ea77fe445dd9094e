import type { Permission } from "@/lib/permissions";

/** A role as the hierarchy sees it: `parentId` is the next more senior role (null for the top). */
export type RoleNode = { id: string; parentId: string | null; grants: readonly Permission[] };

/** Roles below `roleId` (its juniors), at any depth. */
export function descendantsOf(roles: readonly RoleNode[], roleId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const r of roles) if (r.parentId) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r.id]);
  const out = new Set<string>();
  const stack = [...(children.get(roleId) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** Everything a role holds: its own grants plus those of every role below it. */
export function effectiveRolePermissions(roles: readonly RoleNode[], roleId: string): Set<Permission> {
  const byId = new Map(roles.map((r) => [r.id, r]));
  const perms = new Set<Permission>(byId.get(roleId)?.grants ?? []);
  for (const id of descendantsOf(roles, roleId)) for (const p of byId.get(id)?.grants ?? []) perms.add(p);
  return perms;
}

/** True when `roleId` sits at or above `otherId` in the tree (so may edit it). */
export function isAtOrAbove(roles: readonly RoleNode[], roleId: string, otherId: string): boolean {
  return roleId === otherId || descendantsOf(roles, roleId).has(otherId);
}

/** Setting `roleId`'s parent to `newParentId` must not make a role its own ancestor. */
export function wouldCreateCycle(roles: readonly RoleNode[], roleId: string, newParentId: string | null): boolean {
  if (!newParentId) return false;
  return newParentId === roleId || descendantsOf(roles, roleId).has(newParentId);
}

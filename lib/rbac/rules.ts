import "server-only";
import { and, count, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, roles } from "@/db/schema";
import type { SessionContext } from "@/lib/credentials";
import { AppError, forbidden } from "@/lib/errors";
import { PERMISSIONS, type Permission } from "@/lib/permissions";
import { effectiveRolePermissions, isAtOrAbove, type RoleNode } from "./role-tree";

/** Nobody hands out a permission they do not hold themselves. */
export function assertCanGrant(ctx: SessionContext, permissions: Iterable<Permission>): void {
  const missing = [...permissions].filter((p) => !ctx.permissions.has(p));
  if (missing.length) {
    throw forbidden(`You cannot grant what you do not hold yourself: ${missing.map((p) => PERMISSIONS[p].replace(/\.$/, "")).join("; ")}.`);
  }
}

export function assertCanGrantRoles(ctx: SessionContext, tree: readonly RoleNode[], roleIds: readonly string[]): void {
  const perms = new Set<Permission>();
  for (const id of roleIds) for (const p of effectiveRolePermissions(tree, id)) perms.add(p);
  assertCanGrant(ctx, perms);
}

/** Nobody edits a role (or a member holding one) above their own. */
export function assertNotAbove(ctx: SessionContext, tree: readonly RoleNode[], targetRoleId: string, what = "that role"): void {
  if (!isAtOrAbove(tree, ctx.organization.roleId, targetRoleId)) {
    throw forbidden(`You cannot change ${what}: it is above your own role.`);
  }
}

/** The organization must keep at least one active owner. */
export async function assertNotLastOwner(db: Database, organizationId: string, userId: string): Promise<void> {
  const [target] = await db
    .select({ key: roles.key, status: memberships.status })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  if (target?.key !== "owner" || target.status !== "active") return;
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.organizationId, organizationId), eq(roles.key, "owner"), eq(memberships.status, "active")));
  if ((row?.n ?? 0) <= 1) {
    throw new AppError("last_owner", 409, "An organization needs at least one owner. Make someone else owner first.");
  }
}

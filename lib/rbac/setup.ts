import "server-only";
import { recordAudit } from "@/lib/audit";
import type { Database } from "@/db";
import { memberships, organizations, rolePermissions, roles } from "@/db/schema";
import { BUILT_IN_ROLES } from "./built-in-roles";

export type BuiltInRoleIds = Record<string, string>;

/** Every new organization starts with the built-in tree owner > admin > accountant > member > viewer. */
export async function createBuiltInRoles(db: Database, organizationId: string): Promise<BuiltInRoleIds> {
  const ids: BuiltInRoleIds = {};
  let parentId: string | null = null;
  for (const role of BUILT_IN_ROLES) {
    const [row]: { id: string }[] = await db
      .insert(roles)
      .values({ organizationId, key: role.key, name: role.name, description: role.description, parentId, builtIn: true })
      .returning({ id: roles.id });
    ids[role.key] = row!.id;
    if (role.grants.length) await db.insert(rolePermissions).values(role.grants.map((permission) => ({ roleId: row!.id, permission })));
    parentId = row!.id;
  }
  return ids;
}

/** A new organization with its built-in roles and `userId` as its owner (inside the caller's transaction). */
export async function createOrganizationWithOwner(db: Database, input: { name: string; userId: string }): Promise<string> {
  const [org] = await db.insert(organizations).values({ name: input.name }).returning({ id: organizations.id });
  const ids = await createBuiltInRoles(db, org!.id);
  await db.insert(memberships).values({ userId: input.userId, organizationId: org!.id, roleId: ids.owner! });
  await recordAudit(db, { organizationId: org!.id, actorUserId: input.userId, action: "organization.created", result: "success", targetType: "organization", targetId: org!.id });
  return org!.id;
}

import "server-only";
import { eq, inArray } from "drizzle-orm";
import type { Database } from "@/db";
import { rolePermissions, roles } from "@/db/schema";
import { isPermission, type Permission } from "@/lib/permissions";
import type { RoleNode } from "./role-tree";

export type OrgRole = RoleNode & { name: string; description: string; key: string | null; builtIn: boolean };

/** The organization's whole role tree with each role's own grants (small: loaded in two queries). */
export async function loadRoleTree(db: Database, organizationId: string): Promise<OrgRole[]> {
  const rows = await db.select().from(roles).where(eq(roles.organizationId, organizationId));
  const ids = rows.map((r) => r.id);
  const grants = ids.length ? await db.select().from(rolePermissions).where(inArray(rolePermissions.roleId, ids)) : [];
  const byRole = new Map<string, Permission[]>();
  for (const g of grants) if (isPermission(g.permission)) byRole.set(g.roleId, [...(byRole.get(g.roleId) ?? []), g.permission]);
  return rows.map((r) => ({
    id: r.id,
    parentId: r.parentId,
    grants: byRole.get(r.id) ?? [],
    name: r.name,
    description: r.description,
    key: r.key,
    builtIn: r.builtIn,
  }));
}

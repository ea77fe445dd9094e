import "server-only";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { alertSettings, groupMembers, groupRoles, memberships, users } from "@/db/schema";
import { effectiveRolePermissions } from "@/lib/rbac";
import { loadRoleTree } from "@/lib/rbac";

/**
 * Who gets alert e-mails: the organization's security contacts when set on the alert settings page,
 * otherwise every active member who holds security:manage (own role or a group's role). Platform
 * alerts go to the operators.
 */
export async function alertRecipients(db: Database, organizationId: string | null): Promise<string[]> {
  if (!organizationId) {
    const ops = await db.select({ email: users.email }).from(users).where(eq(users.isOperator, true));
    return ops.map((o) => o.email);
  }
  const [settings] = await db.select({ contacts: alertSettings.securityContacts }).from(alertSettings).where(eq(alertSettings.organizationId, organizationId));
  if (settings?.contacts && settings.contacts.length > 0) return settings.contacts;
  return securityManagers(db, organizationId);
}

export async function securityManagers(db: Database, organizationId: string): Promise<string[]> {
  const tree = await loadRoleTree(db, organizationId);
  const roleIds = tree.filter((r) => effectiveRolePermissions(tree, r.id).has("security:manage")).map((r) => r.id);
  if (roleIds.length === 0) return [];
  const viaGroup = db
    .select({ one: sql`1` })
    .from(groupMembers)
    .innerJoin(groupRoles, eq(groupRoles.groupId, groupMembers.groupId))
    .where(and(eq(groupMembers.userId, memberships.userId), inArray(groupRoles.roleId, roleIds)));
  const rows = await db
    .selectDistinct({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.status, "active"), or(inArray(memberships.roleId, roleIds), sql`exists (${viaGroup})`)));
  return rows.map((r) => r.email).sort();
}

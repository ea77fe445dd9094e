import "server-only";
import { and, asc, eq, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, roles, users } from "@/db/schema";

/**
 * The one member listing: an organization's memberships with the person and their role, in name
 * order. The member pages (lib/rbac) and the MFA policy view (lib/mfa) both read it; callers add a
 * filter (search, chosen users) and paging. The organization id comes from the caller's session.
 */
export function memberRowsQuery(db: Database, organizationId: string, filter?: SQL) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      lastSignInAt: users.lastSignInAt,
      roleId: memberships.roleId,
      roleName: roles.name,
      status: memberships.status,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.organizationId, organizationId), filter))
    .orderBy(asc(users.name), asc(users.email), asc(users.id))
    .$dynamic();
}

import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships } from "@/db/schema";

/**
 * The organizations where the user is an active member. Its own file, importing only the database:
 * lib/defense and lib/alerts call it (through lib/rbac) without importing lib/orgs or lib/auth.
 */
export async function activeOrganizationIds(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ organizationId: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.status, "active")));
  return rows.map((r) => r.organizationId);
}

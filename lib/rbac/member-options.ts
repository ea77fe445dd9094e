import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, users } from "@/db/schema";
import type { SessionContext } from "@/lib/credentials";
import { authorize } from "./authorize";

/** Cap for a select list; an organization larger than this needs a search box instead. */
export const MEMBER_OPTIONS_LIMIT = 1000;

/**
 * Every member of the session's organization as a choice for "add to group" (the member list
 * itself is paged). Only for those who may hand out group membership.
 */
export async function listMemberOptions(db: Database, ctx: SessionContext) {
  authorize(ctx, "roles:assign");
  return db
    .select({ userId: users.id, name: users.name, email: users.email, status: memberships.status })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, ctx.organization.id)))
    .orderBy(asc(users.name), asc(users.email))
    .limit(MEMBER_OPTIONS_LIMIT);
}

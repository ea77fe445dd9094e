import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, users } from "@/db/schema";
import type { TenantCtx } from "./event-rows";

/** The organization's members for the "who" filter's suggestions (e-mail and name). */
export async function listActorChoices(db: Database, ctx: TenantCtx, limit = 500): Promise<{ email: string; name: string }[]> {
  return db
    .select({ email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, ctx.organization.id))
    .orderBy(asc(users.email))
    .limit(limit);
}

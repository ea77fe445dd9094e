import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { statementImports } from "@/db/schema";

/** Recent statement imports of one organization with their results; `userId` narrows to one member's. */
export async function listImports(db: Database, organizationId: string, opts: { userId?: string; limit?: number } = {}) {
  return db
    .select()
    .from(statementImports)
    .where(and(eq(statementImports.organizationId, organizationId), opts.userId ? eq(statementImports.createdBy, opts.userId) : undefined))
    .orderBy(desc(statementImports.createdAt))
    .limit(opts.limit ?? 20);
}

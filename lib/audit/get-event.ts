import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { auditEvents } from "@/db/schema";
import { notFound } from "@/lib/errors";
import { actor, selection, targetLabels, toView, type AuditEventView, type Row, type TenantCtx } from "./event-rows";
import { UUID } from "./filters";

/** One event of the organization; another organization's id (or no such id) is not found. */
export async function getAuditEvent(db: Database, ctx: TenantCtx, id: string): Promise<AuditEventView> {
  if (!UUID.test(id)) throw notFound("That event");
  const [row] = await db
    .select(selection)
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorUserId))
    .where(and(eq(auditEvents.id, id.toLowerCase()), eq(auditEvents.organizationId, ctx.organization.id)));
  if (!row) throw notFound("That event");
  return toView(row as Row, await targetLabels(db, [row as Row]));
}

import "server-only";
import type { Database } from "@/db";
import { cursorAfter, decodeCursor, encodeCursor, type Cursor } from "./cursor";
import { fetchAuditRows, targetLabels, toView, type AuditEventView, type Row, type TenantCtx } from "./event-rows";
import type { AuditFilters } from "./filters";

/**
 * Reading the audit log: one organization's events (always the session's organization, never one
 * named by the caller), filtered, newest first, keyset-paged on (created_at, seq). `seq` counts
 * per chain, and an organization is one chain, so the pair is unique within it: a page boundary
 * never drops or repeats an event, even when many share a timestamp.
 */

export const AUDIT_PAGE_SIZE = 50;

export type AuditPage = { events: AuditEventView[]; newer: string | null; older: string | null };

/**
 * A page of the organization's log, newest first. `cursor` comes from a previous page's
 * `newer` / `older`; a tampered one is a 400 (AppError), never a query.
 */
export async function listAuditEvents(db: Database, ctx: TenantCtx, filters: AuditFilters, cursor?: string | null): Promise<AuditPage> {
  const organizationId = ctx.organization.id;
  const from = cursor ? decodeCursor(cursor) : null;
  const rows = await fetchAuditRows(db, organizationId, filters, from, AUDIT_PAGE_SIZE + 1);

  let page: Row[];
  let newer: Cursor | null;
  let older: Cursor | null;
  if (from?.d === "newer") {
    // Fewer than a page above this point: that is simply the first page.
    if (rows.length <= AUDIT_PAGE_SIZE) return listAuditEvents(db, ctx, filters, null);
    page = rows.slice(0, AUDIT_PAGE_SIZE).reverse();
    newer = cursorAfter(page[0]!, "newer");
    older = cursorAfter(page.at(-1)!, "older");
  } else {
    page = rows.slice(0, AUDIT_PAGE_SIZE);
    // Past the end (or an emptied filter): "newer" still leads back from where the cursor stood.
    newer = from ? (page[0] ? cursorAfter(page[0], "newer") : { ...from, d: "newer" }) : null;
    older = rows.length > AUDIT_PAGE_SIZE ? cursorAfter(page.at(-1)!, "older") : null;
  }
  const labels = await targetLabels(db, page);
  return {
    events: page.map((r) => toView(r, labels)),
    newer: newer && encodeCursor(newer),
    older: older && encodeCursor(older),
  };
}

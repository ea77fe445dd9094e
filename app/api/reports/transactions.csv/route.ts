import { Readable } from "node:stream";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import { now } from "@/lib/clock";
import { route } from "@/lib/gate";
import { assertExportAllowed, attachmentResponse } from "@/lib/exports";
import { assertFilterScope, parseReportFiltersOrThrow, transactionsCsv } from "@/lib/reports";

export const dynamic = "force-dynamic";

/**
 * GET /api/reports/transactions.csv?from=&to=&account=&category=&status=&q=&min=&max=
 * A sensitive read: reports:export, filters checked (400 with a sentence; another organization's
 * account or category is a 404), a second factor from the last few minutes (a refused attempt is
 * recorded too), the per-user export limit, then the export is recorded with its filters before
 * the first byte leaves, and the file streams one batch at a time.
 */
export const GET = route({ auth: true, permission: "reports:export" }, async ({ req, session, meta, db }) => {
  const filters = parseReportFiltersOrThrow(new URL(req.url).searchParams);
  const organizationId = session.organization.id;
  await assertFilterScope(db, organizationId, filters);
  const event = {
    organizationId,
    actorUserId: session.user.id,
    action: "reports.exported" as const,
    ...auditRequestFields(meta),
    metadata: {
      format: "csv",
      from: filters.from ?? null,
      to: filters.to ?? null,
      accounts: filters.account.length ? filters.account.join(",") : null,
      category: filters.category ?? null,
      status: filters.status ?? null,
      search: filters.q ?? null,
      min: filters.min ?? null,
      max: filters.max ?? null,
    },
  };
  await assertExportAllowed(db, session, event);
  await recordAudit(db, { ...event, result: "success" });
  const filename = `transactions-${now().toISOString().slice(0, 10)}.csv`;
  const body = Readable.toWeb(transactionsCsv(db, organizationId, filters, { requestId: meta.requestId })) as ReadableStream<Uint8Array>;
  return attachmentResponse(body, filename, "text/csv; charset=utf-8");
});

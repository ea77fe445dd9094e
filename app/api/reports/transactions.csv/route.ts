import { downloadResponse } from "@/lib/exports";
import { route } from "@/lib/gate";
import { assertFilterScope, parseReportFiltersOrThrow, transactionsCsv } from "@/lib/reports";

export const dynamic = "force-dynamic";

/**
 * GET /api/reports/transactions.csv?from=&to=&account=&category=&status=&q=&min=&max=
 * A sensitive read: reports:export, filters checked (400 with a sentence; another organization's
 * account or category is a 404), a second factor from the last few minutes (a refused attempt is
 * recorded too), the per-user export limit, then the export is recorded with its filters before
 * the first byte leaves, and the file streams one batch at a time (lib/exports downloadResponse).
 */
export const GET = route({ auth: true, permission: "reports:export" }, async ({ req, session, meta, db }) => {
  const filters = parseReportFiltersOrThrow(new URL(req.url).searchParams);
  const organizationId = session.organization.id;
  await assertFilterScope(db, organizationId, filters);
  return downloadResponse(db, session, meta, {
    action: "reports.exported",
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
    name: "transactions",
    extension: "csv",
    contentType: "text/csv; charset=utf-8",
    open: () => transactionsCsv(db, organizationId, filters, { requestId: meta.requestId }),
  });
});

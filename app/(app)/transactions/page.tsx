import type { Metadata } from "next";
import Link from "next/link";
import { KeysetPager } from "@/components/keyset-pager";
import { Can } from "@/components/can";
import { Money } from "@/components/reports/money";
import { accountLabel, filterValuesOf, ReportFilterForm } from "@/components/reports/report-filter-form";
import { requirePagePermission } from "@/lib/gate";
import { isAppError } from "@/lib/errors";
import { assertFilterScope, listAccounts, listCategories, listTransactions, parseReportFilters, reportFilterParams, type TransactionPage } from "@/lib/reports";
import { ExportButton } from "./export-button";
import { DataTable } from "@/components/data-table";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "Transactions" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? "").slice(0, 400);

export default async function TransactionsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { session: ctx, db } = await requirePagePermission("reports:read");
  const orgId = ctx.organization.id;
  const params = await searchParams;
  const values = filterValuesOf(params);
  const parsed = parseReportFilters(params);
  const query = parsed.ok ? reportFilterParams(parsed.filters).toString() : "";
  const [accounts, categories] = await Promise.all([listAccounts(db, orgId), listCategories(db, orgId)]);

  let page: TransactionPage | null = null;
  let problem: string | null = null;
  if (parsed.ok) {
    try {
      await assertFilterScope(db, orgId, parsed.filters);
      page = await listTransactions(db, orgId, parsed.filters, one(params.cursor) || null);
    } catch (e) {
      // An edited page link (400) or someone else's account or category id (404): say so, keep the page.
      if (isAppError(e) && (e.status === 400 || e.status === 404)) problem = e.message;
      else throw e;
    }
  }
  const pageHref = (cursor: string) => `/transactions?${new URLSearchParams([...new URLSearchParams(query).entries(), ["cursor", cursor]]).toString()}`;

  return (
    <section aria-labelledby="tx-title">
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 id="tx-title" className="text-2xl font-semibold">
            Transactions
          </h1>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">Every account of {ctx.organization.name}, newest first. Pending transactions may still change.</p>
        </div>
        <Can permission="reports:export" ctx={ctx}>
          {parsed.ok ? <ExportButton query={query} /> : null}
        </Can>
      </div>

      <ReportFilterForm action="/transactions" full values={values} errors={parsed.ok ? {} : parsed.fieldErrors} accounts={accounts} categories={categories} />

      {problem ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {problem}{" "}
          <Link href="/transactions" className="font-semibold underline">
            All transactions
          </Link>
        </p>
      ) : null}

      {accounts.length === 0 ? (
        <p className="text-sm text-slate-600">
          No bank accounts yet.{" "}
          <Link href="/connections" className="text-blue-700 underline">
            Connect a bank
          </Link>{" "}
          to see transactions here.
        </p>
      ) : null}

      {page ? (
        <>
          <ScrollRegion label="Transactions, newest first">
            <DataTable
              caption="Transactions, newest first"
              rows={page.rows}
              rowKey={(t) => t.id}
              rowTestId="transaction-row"
              columns={[
                { header: "Booked on", className: "whitespace-nowrap tabular-nums", cell: (t) => t.bookedOn },
                {
                  header: "Description",
                  rowHeader: true,
                  cell: (t) => (
                    <>
                      {t.description}
                      {t.merchant && t.merchant !== t.description ? <span className="block text-xs text-slate-600">{t.merchant}</span> : null}
                      {t.status === "pending" ? <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">Pending</span> : null}
                    </>
                  ),
                },
                { header: "Category", cell: (t) => t.category ?? <span className="text-slate-500">Uncategorized</span> },
                { header: "Account", cell: (t) => accountLabel({ name: t.accountName, mask: t.accountMask }) },
                { header: "Amount", align: "right", cell: (t) => <Money minor={t.amountMinor} currency={t.currency} /> },
              ]}
            />
          </ScrollRegion>
          {page.rows.length === 0 ? <p className="mt-4 text-sm text-slate-600">No transactions match these filters.</p> : null}
          <KeysetPager label="Transaction pages" noun="transactions" newerHref={page.newer ? pageHref(page.newer) : null} olderHref={page.older ? pageHref(page.older) : null} />
        </>
      ) : null}
    </section>
  );
}

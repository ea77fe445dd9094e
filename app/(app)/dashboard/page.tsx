import type { Metadata } from "next";
import Link from "next/link";
import { ConnectionStatus } from "@/components/reports/connection-status";
import { Money } from "@/components/reports/money";
import { filterValuesOf, ReportFilterForm } from "@/components/reports/report-filter-form";
import { CashFlowSection, RankedTable } from "@/components/reports/report-tables";
import { requirePagePermission } from "@/lib/gate";
import { listAccounts, listConnectionStatus, loadDashboard, parseReportFilters, PERMISSION_GRANTERS } from "@/lib/reports";

export const metadata: Metadata = { title: "Dashboard" };

type Search = Record<string, string | string[] | undefined>;

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { session: ctx, db } = await requirePagePermission("dashboard:read");
  const orgId = ctx.organization.id;
  const canSeeNumbers = ctx.permissions.has("reports:read");
  const [connections, accounts] = await Promise.all([
    ctx.permissions.has("bank_connections:read") ? listConnectionStatus(db, orgId) : Promise.resolve([]),
    canSeeNumbers ? listAccounts(db, orgId) : Promise.resolve([]),
  ]);

  const header = (
    <>
      <h1 id="dash-title" className="text-2xl font-semibold">
        {ctx.organization.name}
      </h1>
      <p className="mt-1 text-sm text-slate-600">Signed in as {ctx.user.email} ({ctx.organization.roleName}).</p>
    </>
  );

  if (!connections.length && !accounts.length) {
    return (
      <section aria-labelledby="dash-title">
        {header}
        <div className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-lg font-medium">No bank accounts connected yet</h2>
          <p className="mt-2 text-sm text-slate-600">Balances, cash flow and transactions appear here once a bank is connected to this organization.</p>
          <Link href="/connections" className="mt-4 inline-block rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
            Connect a bank
          </Link>
        </div>
      </section>
    );
  }

  if (!canSeeNumbers) {
    return (
      <section aria-labelledby="dash-title" className="space-y-6">
        {header}
        {connections.length ? <ConnectionStatus connections={connections} /> : null}
        <p className="rounded-md bg-slate-100 px-4 py-3 text-sm text-slate-700" data-testid="no-reports-access">
          Your role shows which banks are connected, not balances or transactions. {PERMISSION_GRANTERS} can give you a role that includes “See balances, cash
          flow, categories and transactions”.
        </p>
      </section>
    );
  }

  const params = await searchParams;
  const values = filterValuesOf(params);
  const parsed = parseReportFilters(params);
  const result = parsed.ok ? await loadDashboard(db, orgId, parsed.filters) : null;
  const shown = result?.ok ? result.data : null;

  return (
    <section aria-labelledby="dash-title" className="space-y-6">
      {header}
      <ReportFilterForm action="/dashboard" values={shown && !values.from && !values.to ? { ...values, from: shown.filters.from!, to: shown.filters.to! } : values} errors={parsed.ok ? {} : parsed.fieldErrors} accounts={accounts} />
      {result && !result.ok ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {result.problem}
        </p>
      ) : null}
      {shown ? (
        <>
          <section aria-labelledby="totals-title">
            <h2 id="totals-title" className="mb-2 text-lg font-medium">Balances now</h2>
            <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {shown.totals.map((t) => (
                <div key={t.currency} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="total-balance">
                  <p className="text-xs font-semibold text-slate-600">{t.currency}, {t.accounts} {t.accounts === 1 ? "account" : "accounts"}</p>
                  <p className="mt-1 text-2xl font-semibold"><Money minor={t.currentMinor} currency={t.currency} /></p>
                  <p className="text-xs text-slate-600">Available <Money minor={t.availableMinor} currency={t.currency} /></p>
                </div>
              ))}
            </div>
            {shown.totals.length > 1 ? <p className="mt-2 text-xs text-slate-600">Each currency is totalled on its own: amounts in different currencies are never added together.</p> : null}
          </section>
          <section aria-labelledby="flow-title" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="flow-title" className="mb-2 text-lg font-medium">Cash flow, {shown.filters.from} to {shown.filters.to ?? "today"}</h2>
            <CashFlowSection months={shown.months} />
          </section>
          <div className="grid gap-6 lg:grid-cols-2">
            <RankedTable title="Top categories by money out" label="Category" rows={shown.categories} />
            <RankedTable title="Top merchants by money out" label="Merchant" rows={shown.merchants} />
          </div>
          {connections.length ? <ConnectionStatus connections={connections} /> : null}
        </>
      ) : null}
    </section>
  );
}

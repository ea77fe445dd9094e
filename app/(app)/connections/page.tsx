import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/gate";
import { listConnections, listEnabledInstitutions } from "@/lib/banking";
import { can } from "@/lib/rbac";
import { AccountsTable, ConnectionFacts, ConnectionLink, Notice, StatusAdvice, StatusBadge } from "./connection-parts";
import { ConnectBankForm, ReauthorizeForm, SyncNowForm } from "./connection-forms";

export const metadata: Metadata = { title: "Bank connections" };

/** The organization's bank connections (bank_connections:read); connecting and re-authorizing need :manage. */
export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { session: ctx, db } = await requirePagePermission("bank_connections:read");
  const manage = can(ctx, "bank_connections:manage");
  const [connections, institutions] = await Promise.all([listConnections(db, ctx.organization.id), manage ? listEnabledInstitutions(db) : []]);
  const notice = (await searchParams).notice;
  return (
    <section aria-labelledby="connections-title">
      <h1 id="connections-title" className="mb-1 text-2xl font-semibold">
        Bank connections
      </h1>
      <p className="mb-6 text-sm text-slate-600">Banks ChargeKeep reads accounts and transactions from, with read-only access you granted at the bank.</p>
      <Notice code={typeof notice === "string" ? notice : undefined} />
      {connections.length === 0 ? <p className="mb-6 text-sm text-slate-600">No bank connected yet.</p> : null}
      <ul className="mb-8 space-y-4">
        {connections.map((c) => (
          <li key={c.id} className="rounded-md border border-slate-200 bg-white p-4" data-testid="connection-row">
            <div className="mb-2 flex flex-wrap items-center gap-3">
              <h2 className="text-lg font-semibold">
                <ConnectionLink id={c.id}>{c.institutionName}</ConnectionLink>
              </h2>
              <StatusBadge status={c.status} />
            </div>
            <div className="mb-3">
              <StatusAdvice connection={c} />
            </div>
            <div className="mb-3">
              <ConnectionFacts connection={c} />
            </div>
            {c.status !== "disconnected" ? <AccountsTable accounts={c.accounts} /> : null}
            {manage && c.status !== "disconnected" ? (
              <div className="mt-3 flex flex-wrap gap-3">
                {c.status === "reauth_required" ? <ReauthorizeForm connectionId={c.id} /> : <SyncNowForm connectionId={c.id} />}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {manage ? <ConnectBankForm institutions={institutions} /> : null}
    </section>
  );
}

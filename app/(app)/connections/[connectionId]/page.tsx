import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUuidParam, requirePagePermission } from "@/lib/gate";
import { UtcTime } from "@/components/admin/utc-time";
import { getConnection } from "@/lib/banking";
import { can } from "@/lib/rbac";
import { AccountsTable, ConnectionFacts, Notice, StatusAdvice, StatusBadge } from "../connection-parts";
import { DisconnectForm, ReauthorizeForm, RefreshWhileSyncing, SyncNowForm } from "../connection-forms";
import { DataTable } from "@/components/data-table";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "Bank connection" };

/** One connection of the organization with its accounts and recent sync runs; another organization's id is not found. */
export default async function ConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ connectionId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { session: ctx, db } = await requirePagePermission("bank_connections:read");
  const id = requireUuidParam((await params).connectionId);
  const connection = await getConnection(db, ctx.organization.id, id);
  if (!connection) notFound();
  const manage = can(ctx, "bank_connections:manage");
  const notice = (await searchParams).notice;
  const live = connection.status !== "disconnected";
  // The first sync is running (or about to): show it, and re-read until accounts arrive.
  const waiting = connection.status === "syncing" || ((connection.status === "active" || connection.status === "pending") && connection.accounts.length === 0 && !connection.lastSyncedAt);
  return (
    <section aria-labelledby="connection-title">
      <p className="mb-2 text-sm">
        <Link href="/connections" className="text-blue-700 underline">
          ← Bank connections
        </Link>
      </p>
      <div className="mb-2 flex flex-wrap items-center gap-3">
        <h1 id="connection-title" className="text-2xl font-semibold">
          {connection.institutionName}
        </h1>
        <StatusBadge status={connection.status} />
      </div>
      <Notice code={typeof notice === "string" ? notice : undefined} />
      <div className="mb-4">
        <StatusAdvice connection={connection} />
      </div>
      <div className="mb-6 rounded-md border border-slate-200 bg-white p-4">
        <ConnectionFacts connection={connection} />
      </div>
      <h2 className="mb-2 text-lg font-semibold">Accounts</h2>
      <div className="mb-6 rounded-md border border-slate-200 bg-white p-4">
        {waiting ? (
          <p role="status" className="text-sm text-slate-700">
            Syncing… your accounts appear here in a moment.
          </p>
        ) : (
          <AccountsTable accounts={connection.accounts} />
        )}
        <RefreshWhileSyncing active={waiting} />
      </div>
      {manage && live ? (
        <div className="mb-6 grid gap-4 md:grid-cols-2">
          <div className="flex flex-wrap items-start gap-3 rounded-md border border-slate-200 bg-white p-4">
            <SyncNowForm connectionId={connection.id} />
            <ReauthorizeForm connectionId={connection.id} />
          </div>
          <div className="rounded-md border border-red-200 bg-white p-4">
            <DisconnectForm connectionId={connection.id} label={connection.institutionName} />
          </div>
        </div>
      ) : null}
      {connection.disconnectedAt ? (
        <p className="mb-6 text-sm text-slate-600">
          Disconnected <UtcTime date={connection.disconnectedAt} />.
        </p>
      ) : null}
      <h2 className="mb-2 text-lg font-semibold">Recent syncs</h2>
      {connection.syncRuns.length === 0 ? (
        <p className="text-sm text-slate-600">No sync has run yet.</p>
      ) : (
        <ScrollRegion label="Recent syncs of this connection, newest first" className="rounded-md border border-slate-200 bg-white">
          <DataTable
            caption="Recent syncs of this connection, newest first"
            rows={connection.syncRuns}
            rowKey={(r) => r.id}
            columns={[
              { header: "Started", cell: (r) => <UtcTime date={r.startedAt} /> },
              { header: "Why", cell: (r) => r.trigger },
              { header: "Result", cell: (r) => r.status },
              { header: "Added / changed / removed", className: "tabular-nums", cell: (r) => `${r.added} / ${r.modified} / ${r.removed}` },
              { header: "Problem", cell: (r) => r.error ?? "" },
            ]}
          />
        </ScrollRegion>
      )}
    </section>
  );
}

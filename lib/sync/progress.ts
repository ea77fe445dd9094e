import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections, bankSyncRuns, type ConnectionStatus } from "@/db/schema/banking";
import type { Counts } from "./store";

/**
 * Where a sync run stands, written where the sync already writes: the run row's counters move in
 * the same transaction as each committed page, so what the page shows never runs ahead of what is
 * stored (and a crashed run's counters say what it did write).
 */
export async function recordRunCounts(tx: Database, runId: string, counts: Counts, at: Date): Promise<void> {
  await tx.update(bankSyncRuns).set({ added: counts.added, modified: counts.modified, removed: counts.removed, updatedAt: at }).where(eq(bankSyncRuns.id, runId));
}

export async function recordRunAccounts(db: Database, runId: string, accounts: { total?: number; done: number }, at: Date): Promise<void> {
  await db
    .update(bankSyncRuns)
    .set({ ...(accounts.total !== undefined ? { accountsTotal: accounts.total } : {}), accountsDone: accounts.done, updatedAt: at })
    .where(eq(bankSyncRuns.id, runId));
}

export type SyncRunProgress = {
  status: string;
  trigger: string;
  /** Null until the bank listed the accounts. */
  accountsTotal: number | null;
  accountsDone: number;
  /** Transactions written by this run so far (new and changed). */
  transactions: number;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
};
export type SyncProgress = { connectionStatus: ConnectionStatus; run: SyncRunProgress | null };

/**
 * The connection's newest run, for the connection page's poll. Scoped by the organization: another
 * organization's connection id reads as undefined (404), never as its progress.
 */
export async function getSyncProgress(db: Database, organizationId: string, connectionId: string): Promise<SyncProgress | undefined> {
  const [connection] = await db
    .select({ status: bankConnections.status })
    .from(bankConnections)
    .where(and(eq(bankConnections.id, connectionId), eq(bankConnections.organizationId, organizationId)));
  if (!connection) return undefined;
  const [run] = await db
    .select({
      status: bankSyncRuns.status,
      trigger: bankSyncRuns.trigger,
      accountsTotal: bankSyncRuns.accountsTotal,
      accountsDone: bankSyncRuns.accountsDone,
      added: bankSyncRuns.added,
      modified: bankSyncRuns.modified,
      startedAt: bankSyncRuns.startedAt,
      updatedAt: bankSyncRuns.updatedAt,
      finishedAt: bankSyncRuns.finishedAt,
    })
    .from(bankSyncRuns)
    .where(and(eq(bankSyncRuns.connectionId, connectionId), eq(bankSyncRuns.organizationId, organizationId)))
    .orderBy(desc(bankSyncRuns.startedAt))
    .limit(1);
  if (!run) return { connectionStatus: connection.status, run: null };
  const { added, modified, ...rest } = run;
  return { connectionStatus: connection.status, run: { ...rest, transactions: added + modified } };
}

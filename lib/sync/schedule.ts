import "server-only";
import { and, asc, eq, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections } from "@/db/schema/banking";
import { now } from "@/lib/clock";
import { markInterruptedSyncs } from "./recover";
import { syncConnection, type SyncDeps, type SyncResult, type SyncTrigger } from "./run";

/**
 * When syncs run: due connections (active, error, or syncing left by a crashed run; next_sync_at
 * passed or never set; lease free or lapsed). The schedule is a pg-boss cron (jobs.ts): one
 * instance's clock enqueues one job per due connection each minute. runDueSyncs is the same
 * selection run in place (tests, a one-off). Either way each run takes the connection's lease only
 * while it is still due (acquireLease's onlyIfDue), so a list read before another run finished
 * never syncs a connection twice.
 */
export type DueRun = { connectionId: string; result: SyncResult };

export async function dueConnections(db: Database, opts: { limit?: number; organizationId?: string } = {}): Promise<string[]> {
  const at = now();
  // Runs whose process died are closed first, and their connections become due (recover.ts).
  await markInterruptedSyncs(db, at);
  const due = await db
    .select({ id: bankConnections.id })
    .from(bankConnections)
    .where(
      and(
        // "syncing" with a lapsed lease: a run that crashed; it resumes from its saved cursors.
        inArray(bankConnections.status, ["active", "error", "syncing"]),
        or(isNull(bankConnections.nextSyncAt), lte(bankConnections.nextSyncAt, at)),
        or(isNull(bankConnections.syncLockedUntil), lt(bankConnections.syncLockedUntil, at)),
        opts.organizationId ? eq(bankConnections.organizationId, opts.organizationId) : undefined,
      ),
    )
    .orderBy(asc(bankConnections.nextSyncAt))
    .limit(Math.min(Math.max(opts.limit ?? 10, 1), 500));
  return due.map((c) => c.id);
}

export async function runDueSyncs(db: Database, opts: { limit?: number; deps?: Partial<SyncDeps> } = {}): Promise<DueRun[]> {
  const out: DueRun[] = [];
  // One at a time: a sync is I/O-bound on one bank, and the caller must not flood the pool.
  for (const id of await dueConnections(db, opts)) out.push({ connectionId: id, result: await syncConnection(db, id, "scheduled", opts.deps, { onlyIfDue: true }) });
  return out;
}

const inFlight = new Set<Promise<unknown>>();

/** Starts a sync detached from the request: never throws, errors are logged (the run records them on the connection). */
export function requestSync(connectionId: string, trigger: SyncTrigger, deps?: Partial<SyncDeps>): void {
  const p = (async () => {
    const { getDb } = await import("@/db");
    const result = await syncConnection(getDb(), connectionId, trigger, deps);
    if (result.status === "failed") console.warn(`[sync] ${trigger} sync of connection ${connectionId} failed (recorded on the connection)`);
  })()
    .catch((e: unknown) => console.error(`[sync] ${trigger} sync of connection ${connectionId} could not run`, e instanceof Error ? e.message : e))
    .finally(() => inFlight.delete(p));
  inFlight.add(p);
}

/** Tests and graceful shutdown: wait for detached syncs to settle. */
export async function settleRequestedSyncs(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

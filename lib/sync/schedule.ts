import "server-only";
import { and, asc, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections } from "@/db/schema/banking";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { markInterruptedSyncs } from "./recover";
import { syncConnection, type SyncDeps, type SyncResult, type SyncTrigger } from "./run";

/**
 * When syncs run: due connections (active, error, or syncing left by a crashed run; next_sync_at
 * passed or never set; lease free or lapsed) are picked by the in-process scheduler every minute
 * or by /api/cron/sync; either may run at the
 * same time as the other, since each sync takes the connection's lease first.
 */
export type DueRun = { connectionId: string; result: SyncResult };

export async function runDueSyncs(db: Database, opts: { limit?: number; deps?: Partial<SyncDeps> } = {}): Promise<DueRun[]> {
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
      ),
    )
    .orderBy(asc(bankConnections.nextSyncAt))
    .limit(Math.min(Math.max(opts.limit ?? 10, 1), 100));
  const out: DueRun[] = [];
  // One at a time: a sync is I/O-bound on one bank, and the scheduler must not flood the pool.
  for (const c of due) out.push({ connectionId: c.id, result: await syncConnection(db, c.id, "scheduled", opts.deps) });
  return out;
}

const KEY = Symbol.for("chargekeep.sync.scheduler");
type State = { interval?: NodeJS.Timeout; running: boolean };
const state = (): State => ((globalThis as { [KEY]?: State })[KEY] ??= { running: false });
const TICK_MS = 60_000;

async function tick(): Promise<void> {
  const s = state();
  if (s.running) return;
  s.running = true;
  try {
    const { getDb } = await import("@/db");
    await runDueSyncs(getDb(), { limit: 20 });
  } catch (e) {
    console.error("[sync] scheduler run failed", e instanceof Error ? e.message : e);
  } finally {
    s.running = false;
  }
}

/** The in-process scheduler (BANK_SYNC_SCHEDULER=on, not in tests): every minute, the due connections. Idempotent. */
export function startSyncScheduler(): void {
  const config = env();
  if (config.BANK_SYNC_SCHEDULER !== "on" || config.NODE_ENV === "test") return;
  const s = state();
  s.interval ??= setInterval(() => void tick(), TICK_MS);
  s.interval.unref?.();
}

export function stopSyncScheduler(): void {
  const s = state();
  if (s.interval) clearInterval(s.interval);
  s.interval = undefined;
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

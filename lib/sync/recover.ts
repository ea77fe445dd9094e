import "server-only";
import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections, bankSyncRuns } from "@/db/schema/banking";
import { now } from "@/lib/clock";

export const INTERRUPTED_MESSAGE = "The server stopped during this sync (a crash, a restart or a restore). It resumes from where it stopped.";

/**
 * Runs a crashed process left behind (lib/bootstrap at start-up, and every scheduler tick):
 * - a connection still "syncing" whose lease lapsed has no live holder (a live one extends its
 *   lease while it works, lib/sync/lock.ts): it goes to "error" with a plain message and is due at
 *   once, so the next scheduled run resumes it from its saved cursors;
 * - a sync run still "running" is "interrupted" unless it is the run of a lease that is live now
 *   (the lease was taken at last_sync_attempt_at, just before its run row was written).
 * Conditional UPDATEs only: another instance's live run is never touched, whatever instance owns it.
 */
export async function markInterruptedSyncs(db: Database, at = now()): Promise<{ connections: number; runs: number }> {
  const atIso = sql`${at.toISOString()}::timestamptz`;
  const connections = await db
    .update(bankConnections)
    .set({
      status: "error",
      lastError: INTERRUPTED_MESSAGE,
      // Due now, keeping its place in the queue when it was due earlier still.
      nextSyncAt: sql`case when ${bankConnections.nextSyncAt} <= ${atIso} then ${bankConnections.nextSyncAt} else ${atIso} end`,
      syncLockToken: null,
      syncLockedUntil: null,
      updatedAt: at,
    })
    .where(and(eq(bankConnections.status, "syncing"), or(sql`${bankConnections.syncLockedUntil} is null`, lt(bankConnections.syncLockedUntil, atIso))))
    .returning({ id: bankConnections.id });
  const runs = await db
    .update(bankSyncRuns)
    .set({ status: "interrupted", error: INTERRUPTED_MESSAGE, finishedAt: at })
    .where(
      and(
        eq(bankSyncRuns.status, "running"),
        sql`not exists (
          select 1 from ${bankConnections} c
          where c.id = ${bankSyncRuns.connectionId}
            and c.sync_lock_token is not null and c.sync_locked_until >= ${atIso}
            and ${bankSyncRuns.startedAt} >= c.last_sync_attempt_at
        )`,
      ),
    )
    .returning({ id: bankSyncRuns.id });
  return { connections: connections.length, runs: runs.length };
}


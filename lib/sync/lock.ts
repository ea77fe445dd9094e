import "server-only";
import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections } from "@/db/schema/banking";
import { randomToken } from "@/lib/crypto";

/**
 * The per-connection lock is a lease in the row itself: one conditional UPDATE takes it (only if
 * free or lapsed), the holder extends it while it works, and a crashed holder's lease simply
 * lapses. Every write of the holder is conditioned on its token, so a holder that lost its lease
 * (paused longer than the lease) cannot clobber the next one.
 */
export const LEASE_MS = 2 * 60_000;
/** Connections in these states are synced; reauth_required and disconnected wait for the user. */
const SYNCABLE = ["pending", "active", "error", "syncing"] as const;

export type Lease = { token: string; connectionId: string; organizationId: string };

/**
 * `onlyIfDue`: the scheduled path takes the lease only while next_sync_at has passed, in the same
 * UPDATE. A due list read before another run finished (or a job queued behind a running one) then
 * finds the connection already synced and does nothing, instead of calling the bank again.
 */
export async function acquireLease(db: Database, connectionId: string, at: Date, opts: { onlyIfDue?: boolean } = {}): Promise<Lease | null> {
  const token = randomToken();
  const [row] = await db
    .update(bankConnections)
    .set({ syncLockToken: token, syncLockedUntil: new Date(at.getTime() + LEASE_MS), status: "syncing", lastSyncAttemptAt: at, updatedAt: at })
    .where(
      and(
        eq(bankConnections.id, connectionId),
        inArray(bankConnections.status, [...SYNCABLE]),
        or(isNull(bankConnections.syncLockToken), isNull(bankConnections.syncLockedUntil), lt(bankConnections.syncLockedUntil, at)),
        opts.onlyIfDue ? or(isNull(bankConnections.nextSyncAt), lte(bankConnections.nextSyncAt, at)) : undefined,
      ),
    )
    .returning({ organizationId: bankConnections.organizationId });
  return row ? { token, connectionId, organizationId: row.organizationId } : null;
}

/** Pushes the lease forward; false when it was lost (another holder took over a lapsed lease) or the connection left "syncing". */
export async function extendLease(db: Database, lease: Lease, at: Date): Promise<boolean> {
  const rows = await db
    .update(bankConnections)
    .set({ syncLockedUntil: new Date(at.getTime() + LEASE_MS) })
    // Still "syncing": a connection disconnected (or sent to re-authorization) mid-run stops taking writes.
    .where(and(eq(bankConnections.id, lease.connectionId), eq(bankConnections.syncLockToken, lease.token), eq(bankConnections.status, "syncing")))
    .returning({ id: bankConnections.id });
  return rows.length === 1;
}

export type Outcome =
  | { kind: "succeeded"; nextSyncAt: Date }
  | { kind: "failed"; message: string; backoff: (failures: number) => Date }
  | { kind: "reauth_required" };

/**
 * Ends the run on the connection row and releases the lease, in one conditional UPDATE. The status
 * moves only from "syncing": a connection disconnected or sent to re-authorization meanwhile
 * (lib/banking) keeps that status.
 */
export async function releaseLease(db: Database, lease: Lease, at: Date, outcome: Outcome): Promise<void> {
  const mine = and(eq(bankConnections.id, lease.connectionId), eq(bankConnections.syncLockToken, lease.token));
  const fromSyncing = (status: "active" | "error" | "reauth_required") => sql`case when ${bankConnections.status} = 'syncing' then ${status} else ${bankConnections.status} end`;
  const free = { syncLockToken: null, syncLockedUntil: null, updatedAt: at };
  if (outcome.kind === "succeeded") {
    await db.update(bankConnections).set({ ...free, status: fromSyncing("active"), lastSyncedAt: at, nextSyncAt: outcome.nextSyncAt, failureCount: 0, lastError: null }).where(mine);
  } else if (outcome.kind === "reauth_required") {
    await db.update(bankConnections).set({ ...free, status: fromSyncing("reauth_required") }).where(mine);
  } else {
    const [row] = await db.select({ failures: bankConnections.failureCount }).from(bankConnections).where(mine);
    const failures = (row?.failures ?? 0) + 1;
    await db
      .update(bankConnections)
      .set({ ...free, status: fromSyncing("error"), failureCount: failures, lastError: outcome.message, nextSyncAt: outcome.backoff(failures) })
      .where(mine);
  }
}

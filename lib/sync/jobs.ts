import "server-only";
import { getDb } from "@/db";
import { enqueue, type JobDefinition } from "@/lib/jobs";
import { syncConnection, type SyncResult } from "./run";
import { dueConnections } from "./schedule";

/**
 * One scheduled sync of one connection. The queue is "stately" with the connection id as key: at
 * most one job waits and one runs per connection, so N instances' schedules never queue N syncs.
 * A job that was queued behind a running one finds next_sync_at ahead and does nothing (onlyIfDue).
 * A sync that ends "failed" is recorded on the connection, whose own backoff (next_sync_at) decides
 * the next attempt; an exception (the database away mid-run) fails the job and pg-boss retries it
 * with exponential backoff.
 */
export const syncConnectionJob: JobDefinition<{ connectionId: string }> = {
  queue: "sync-connection",
  policy: "stately",
  retryLimit: 4,
  retryDelaySeconds: 30,
  retryBackoff: true,
  expireInSeconds: 30 * 60,
  concurrency: 2,
  run: async ({ connectionId }): Promise<SyncResult> => syncConnection(getDb(), connectionId, "scheduled", {}, { onlyIfDue: true }),
};

/** Enqueues one sync job per due connection; a connection whose job already waits is skipped by the queue. */
export async function enqueueDueSyncs(opts: { limit?: number; organizationId?: string } = {}): Promise<{ due: number; queued: number }> {
  const ids = await dueConnections(getDb(), { limit: opts.limit ?? 200, organizationId: opts.organizationId });
  let queued = 0;
  for (const connectionId of ids) if (await enqueue(syncConnectionJob, { connectionId }, { singletonKey: connectionId })) queued++;
  return { due: ids.length, queued };
}

/** The schedule itself: a pg-boss cron sends this once a minute for the whole cluster (lib/workers). */
export const syncScheduleJob: JobDefinition<object> = {
  queue: "sync-schedule",
  policy: "singleton",
  retryLimit: 0,
  retryDelaySeconds: 30,
  retryBackoff: false,
  expireInSeconds: 5 * 60,
  pollingIntervalSeconds: 10,
  run: async () => enqueueDueSyncs(),
};

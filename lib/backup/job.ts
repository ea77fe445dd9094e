import "server-only";
import { getDb, getDbHandle } from "@/db";
import type { SessionContext } from "@/lib/auth";
import { forbidden } from "@/lib/errors";
import { enqueueSingleton, type JobDefinition, type SingletonOutcome } from "@/lib/jobs";
import { authorize } from "@/lib/rbac";
import type { RunTrigger } from "./runs";
import { runScheduledBackup, type ScheduledResult } from "./scheduled";
import { sourceOf } from "./source";

/** What a finished backup job keeps as its output (pg-boss) and the status page can show: names and counts, never a key. */
export function summarizeScheduled(result: ScheduledResult) {
  return {
    backup: { name: result.backup.name, status: result.backup.status, targets: result.backup.targets.map((t) => ({ location: t.location, ok: t.ok })) },
    verify: result.verify ? { status: result.verify.status, tables: result.verify.tables, rows: result.verify.rows } : null,
    prune: result.prune ? { run: result.prune.runId, deleted: result.prune.deleted.length, kept: result.prune.kept.length } : result.pruneError ? { error: "failed" } : null,
    copies: result.copies
      ? { run: result.copies.runId, status: result.copies.status, verified: result.copies.copies.filter((c) => c.state === "verified").length, failed: result.copies.copies.filter((c) => c.state === "failed").length }
      : result.copiesError
        ? { error: "failed" }
        : null,
  };
}

/**
 * Backup, verifying restore, prune and copy check as one pg-boss job. The queue is a singleton
 * (pg-boss runs at most one active job of it in the whole cluster) and triggers go through
 * enqueueSingleton, so a second trigger while one waits or runs, on any instance, gets that job's id.
 * No automatic retry: a failed run is recorded and alerted, and the next schedule runs afresh.
 */
export const backupJob: JobDefinition<{ trigger: RunTrigger }> = {
  queue: "backup",
  policy: "singleton",
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  // A dump and a scratch restore of a large database take a while; pg-boss fails a job still active after this.
  expireInSeconds: 4 * 3600,
  pollingIntervalSeconds: 5,
  run: async ({ trigger }) => summarizeScheduled(await runScheduledBackup(getDb(), sourceOf(getDbHandle()), trigger)),
};

/** The cron route and the CLI's --queue: one backup, whoever asks and wherever. */
export function triggerBackup(trigger: RunTrigger): Promise<SingletonOutcome> {
  return enqueueSingleton(backupJob, { trigger });
}

/**
 * "Back up now" on the backups page: ChargeKeep's operators only (backups are platform-wide; an
 * organization's owner holds backups:read for the summary, not to run the platform's backups).
 * The same singleton job as the schedule: pressing it while one runs shows that one's progress.
 */
export function startBackupFor(ctx: SessionContext): Promise<SingletonOutcome> {
  authorize(ctx, "backups:read");
  if (!ctx.user.isOperator) throw forbidden("Only ChargeKeep's operators can start a backup.");
  return triggerBackup("admin");
}

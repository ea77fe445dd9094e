import "server-only";
import type { Database } from "@/db";
import { createBackup, type BackupResult } from "./create-backup";
import { pruneBackups, type PruneResult } from "./prune-backups";
import { describeError, markInterruptedRuns, type RunTrigger } from "./runs";
import type { BackupSource } from "./source";
import { verifyBackup, type VerifyResult } from "./verify-backup";

export type ScheduledResult = { backup: BackupResult; verify: VerifyResult | null; prune: PruneResult | null; pruneError?: string };

/**
 * What the schedule runs: a backup, then a verification of it by restoring it, then retention.
 * Pruning runs only after a successful verification, so a run that could not prove a restore never
 * deletes an older backup.
 */
export async function runScheduledBackup(db: Database, source: BackupSource, trigger: RunTrigger): Promise<ScheduledResult> {
  await markInterruptedRuns(db); // a run whose process died shows as interrupted, not "running" for ever
  const backup = await createBackup(db, source, { trigger });
  if (backup.status === "failed") return { backup, verify: null, prune: null };
  const verify = await verifyBackup(db, source, { trigger, name: backup.name });
  if (verify.status !== "succeeded") return { backup, verify, prune: null };
  try {
    return { backup, verify, prune: await pruneBackups(db, { trigger }) };
  } catch (e) {
    return { backup, verify, prune: null, pruneError: describeError(e) };
  }
}

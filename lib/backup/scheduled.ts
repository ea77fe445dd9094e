import "server-only";
import type { Database } from "@/db";
import { createBackup, type BackupResult } from "./create-backup";
import { pruneBackups, type PruneResult } from "./prune-backups";
import { describeError, markInterruptedRuns, type RunTrigger } from "./runs";
import type { OnProgress } from "./progress";
import type { BackupSource } from "./source";
import { verifyBackup, type VerifyResult } from "./verify-backup";
import { verifyCopies, type CopiesResult } from "./verify-copies";

export type ScheduledResult = {
  backup: BackupResult;
  verify: VerifyResult | null;
  prune: PruneResult | null;
  pruneError?: string;
  copies: CopiesResult | null;
  copiesError?: string;
};

/**
 * What the schedule runs: a backup, then a verification of it by restoring it, then retention, then
 * a read-back check of every copy left at every target (one restore proves one copy; a flipped
 * byte or a truncated copy elsewhere would otherwise be found only by the next restore).
 * Pruning runs only after a successful verification, so a run that could not prove a restore never
 * deletes an older backup. The copy check runs whatever happened before it.
 */
export async function runScheduledBackup(db: Database, source: BackupSource, trigger: RunTrigger, onProgress?: OnProgress): Promise<ScheduledResult> {
  await markInterruptedRuns(db); // a run whose process died shows as interrupted, not "running" for ever
  // Each step records its own progress on its own run row; onProgress hears them all in order.
  const backup = await createBackup(db, source, { trigger, onProgress });
  const verify = backup.status === "failed" ? null : await verifyBackup(db, source, { trigger, name: backup.name, onProgress });
  const result: ScheduledResult = { backup, verify, prune: null, copies: null };
  if (verify?.status === "succeeded") {
    try {
      result.prune = await pruneBackups(db, { trigger, onProgress });
    } catch (e) {
      result.pruneError = describeError(e);
    }
  }
  try {
    result.copies = await verifyCopies(db, { trigger, onProgress });
  } catch (e) {
    result.copiesError = describeError(e);
  }
  return result;
}

import "server-only";
import type { Database } from "@/db";
import { now } from "@/lib/clock";
import { listBackups, type ListedBackup } from "./list-backups";
import { lastRun, recentRuns } from "./runs";
import { backupTargets } from "./targets";

export type BackupStatus = {
  lastBackup: Awaited<ReturnType<typeof lastRun>>;
  lastSuccessfulBackup: Awaited<ReturnType<typeof lastRun>>;
  lastVerified: Awaited<ReturnType<typeof lastRun>>;
  lastVerify: Awaited<ReturnType<typeof lastRun>>;
  targets: { location: string; backups: number; newest: string | null; missingNewest: boolean }[];
  backups: ListedBackup[];
  history: Awaited<ReturnType<typeof recentRuns>>;
  targetError: string | null;
  /** No complete backup in the last 26 hours (a daily schedule plus slack). */
  stale: boolean;
};

/** Everything the status page shows: runs from backup_runs, per-target state from the targets. */
export async function backupStatus(db: Database): Promise<BackupStatus> {
  const [lastBackup, lastSuccessfulBackup, lastVerified, lastVerify, history] = await Promise.all([
    lastRun(db, "backup"),
    lastRun(db, "backup", "succeeded"),
    lastRun(db, "verify", "succeeded"),
    lastRun(db, "verify"),
    recentRuns(db, 30),
  ]);
  let backups: ListedBackup[] = [];
  let targets: BackupStatus["targets"] = [];
  let targetError: string | null = null;
  try {
    const stores = backupTargets();
    backups = await listBackups(stores);
    const newest = backups.find((b) => b.locations.length > 0)?.name ?? null;
    targets = stores.map((s) => {
      const here = backups.filter((b) => b.locations.includes(s.location));
      return { location: s.location, backups: here.length, newest: here[0]?.name ?? null, missingNewest: newest !== null && here[0]?.name !== newest };
    });
  } catch (e) {
    targetError = e instanceof Error ? e.message : String(e);
  }
  const stale = !lastSuccessfulBackup || now().getTime() - lastSuccessfulBackup.startedAt.getTime() > 26 * 3_600_000;
  return { lastBackup, lastSuccessfulBackup, lastVerified, lastVerify, targets, backups: backups.slice(0, 20), history, targetError, stale };
}

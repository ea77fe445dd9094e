import "server-only";
import type { Database } from "@/db";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { pruneAuditAnchors } from "@/lib/audit";
import type { ObjectStore } from "@/lib/storage";
import { listBackups, type ListedBackup } from "./list-backups";
import { DATA_KEY, MANIFEST_KEY } from "./manifest";
import { describeError, finishRun, startRun, verifiedBackupNames, type RunTrigger } from "./runs";
import { progressRecorder, type OnProgress } from "./progress";
import { backupTargets } from "./targets";

export type Retention = { daily: number; weekly: number; monthly: number };

export function retentionFromEnv(): Retention {
  const e = env();
  return { daily: e.BACKUP_KEEP_DAILY, weekly: e.BACKUP_KEEP_WEEKLY, monthly: e.BACKUP_KEEP_MONTHLY };
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const month = (d: Date) => d.toISOString().slice(0, 7);
/** ISO week, e.g. 2026-W48 (weeks start on Monday). */
function week(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return `${t.getUTCFullYear()}-W${String(Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7)).padStart(2, "0")}`;
}

/**
 * Which backups to keep (grandfather-father-son): the newest backup of each of the last N days,
 * N weeks and N months that have one; always the newest backup; and always the newest verified
 * backup, so pruning can never leave no proven restore. `backups` is newest first.
 */
export function selectKept(backups: { name: string; createdAt: Date }[], keep: Retention, verified: string[]): Set<string> {
  const kept = new Set<string>();
  for (const [n, bucket] of [[keep.daily, day], [keep.weekly, week], [keep.monthly, month]] as const) {
    const seen = new Set<string>();
    for (const b of backups) {
      const k = bucket(b.createdAt);
      if (seen.has(k)) continue;
      if (seen.size >= n) break;
      seen.add(k);
      kept.add(b.name);
    }
  }
  if (backups[0]) kept.add(backups[0].name);
  const present = new Set(backups.map((b) => b.name));
  const newestVerified = verified.find((v) => present.has(v));
  if (newestVerified) kept.add(newestVerified);
  return kept;
}

/** `locked`: backups the policy would delete but that are younger than BACKUP_IMMUTABLE_DAYS: kept, and said so. */
export type PruneResult = { runId: string; kept: string[]; deleted: string[]; locked: { name: string; until: string }[]; errors: { location: string; name: string; error: string }[]; anchorsDeleted: number };

/** Deletes the backups the retention policy does not keep, from every target (manifest first). */
export async function pruneBackups(db: Database, options: { trigger: RunTrigger; keep?: Retention; targets?: ObjectStore[]; onProgress?: OnProgress }): Promise<PruneResult> {
  const targets = options.targets ?? backupTargets();
  const keep = options.keep ?? retentionFromEnv();
  const immutableMs = env().BACKUP_IMMUTABLE_DAYS * 86_400_000;
  const runId = await startRun(db, "prune", options.trigger);
  const report = progressRecorder(db, runId, options.onProgress);
  report({ phase: "prune" });
  const result: PruneResult = { runId, kept: [], deleted: [], locked: [], errors: [], anchorsDeleted: 0 };
  let error: string | null = null;
  try {
    const listed: ListedBackup[] = await listBackups(targets);
    const complete = listed.filter((b) => b.locations.length > 0);
    const kept = selectKept(complete, keep, await verifiedBackupNames(db));
    result.kept = complete.filter((b) => kept.has(b.name)).map((b) => b.name);
    // Backups with no complete copy anywhere are deleted too once a newer complete backup exists.
    const newestComplete = complete[0]?.name ?? "";
    const due = listed.filter((b) => !kept.has(b.name) && (b.locations.length > 0 || b.name < newestComplete));
    // Still inside its immutability window: the stores would refuse the delete anyway (S3, Azure), and
    // a directory must not be the weak copy, so no target loses it before then.
    const until = (b: ListedBackup) => new Date(b.createdAt.getTime() + immutableMs);
    const doomed = due.filter((b) => until(b).getTime() <= now().getTime());
    result.locked = due.filter((b) => !doomed.includes(b)).map((b) => ({ name: b.name, until: until(b).toISOString() }));
    report({ phase: "prune", unit: "backups", done: 0, total: doomed.length });
    for (const b of doomed) {
      for (const store of targets) {
        try {
          // The manifest first: a half-deleted backup is then "partial", never restorable by mistake.
          await store.delete(`${b.name}/${MANIFEST_KEY}`);
          await store.delete(`${b.name}/${DATA_KEY}`);
        } catch (e) {
          result.errors.push({ location: store.location, name: b.name, error: describeError(e) });
        }
      }
      result.deleted.push(b.name);
      report({ phase: "prune", unit: "backups", done: result.deleted.length, total: doomed.length });
    }
    // The audit anchors beside the backups have their own retention (lib/audit/anchor-prune.ts).
    const anchors = await pruneAuditAnchors(db, targets);
    result.anchorsDeleted = anchors.deleted;
    for (const e of anchors.errors) result.errors.push({ location: e.location, name: "audit-anchors", error: e.error });
  } catch (e) {
    error = describeError(e);
  }
  const status = error ? "failed" : result.errors.length ? "partial" : "succeeded";
  report({ phase: "done", unit: "backups", done: result.deleted.length, total: result.deleted.length });
  await report.flush();
  await finishRun(
    db,
    runId,
    { status, details: { kept: result.kept, deleted: result.deleted, locked: result.locked, errors: result.errors, keep, anchorsDeleted: result.anchorsDeleted }, error: error ?? (result.errors.length ? `${result.errors.length} deletion(s) failed` : null) },
    { action: "backup.pruned", metadata: { deleted: result.deleted.length, kept: result.kept.length, lockedKept: result.locked.length, keptDaily: keep.daily, keptWeekly: keep.weekly, keptMonthly: keep.monthly } },
  );
  if (error) throw new Error(error);
  return result;
}

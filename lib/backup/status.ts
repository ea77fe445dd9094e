import "server-only";
import { and, asc, desc, eq, inArray, or } from "drizzle-orm";
import type { Database } from "@/db";
import { backupCopies } from "@/db/schema";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { notFound } from "@/lib/errors";
import { authorize } from "@/lib/rbac";
import { listBackups, type ListedBackup } from "./list-backups";
import { runningRuns, type RunningRun } from "./progress";
import { lastRun, recentRuns } from "./runs";
import { backupTargets } from "./targets";

/** What the last read-back check said about one copy; "unchecked" until the first check. */
export type CopyState = {
  name: string;
  location: string;
  state: "verified" | "failed" | "unchecked";
  checkedAt: Date | null;
  verifiedAt: Date | null;
  error: string | null;
};

export type BackupStatus = {
  lastBackup: Awaited<ReturnType<typeof lastRun>>;
  lastSuccessfulBackup: Awaited<ReturnType<typeof lastRun>>;
  lastVerified: Awaited<ReturnType<typeof lastRun>>;
  lastVerify: Awaited<ReturnType<typeof lastRun>>;
  /** newestCopy: the check's verdict on this target's copy of its newest backup. */
  targets: { location: string; backups: number; newest: string | null; missingNewest: boolean; newestCopy: CopyState["state"] | null }[];
  backups: ListedBackup[];
  /** Every copy of the listed backups, newest backup first, in target order. */
  copies: CopyState[];
  history: Awaited<ReturnType<typeof recentRuns>>;
  targetError: string | null;
  /** No complete backup in the last 26 hours (a daily schedule plus slack). */
  stale: boolean;
};

/** All an organization is told: that its data is backed up, and when a restore last proved it. */
export type OrganizationBackupSummary = { backedUp: boolean; lastVerifiedAt: Date | null };

const STALE_MS = 26 * 3_600_000;

/**
 * The operators' view: runs from backup_runs, what each target holds, and each copy's last check.
 * Platform-wide: never shown to an organization (see backupStatusFor).
 */
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
  let copies: CopyState[] = [];
  let targetError: string | null = null;
  try {
    const stores = backupTargets();
    const all = await listBackups(stores);
    backups = all.slice(0, 20);
    copies = await copyStates(db, backups, stores.map((s) => s.location));
    const newest = all.find((b) => b.locations.length > 0)?.name ?? null;
    targets = stores.map((s) => {
      const here = all.filter((b) => b.locations.includes(s.location));
      const newestHere = here[0]?.name ?? null;
      const copy = copies.find((c) => c.name === newestHere && c.location === s.location);
      return { location: s.location, backups: here.length, newest: newestHere, missingNewest: newest !== null && newestHere !== newest, newestCopy: copy?.state ?? null };
    });
  } catch (e) {
    targetError = e instanceof Error ? e.message : String(e);
  }
  const stale = !lastSuccessfulBackup || now().getTime() - lastSuccessfulBackup.startedAt.getTime() > STALE_MS;
  return { lastBackup, lastSuccessfulBackup, lastVerified, lastVerify, targets, backups, copies, history, targetError, stale };
}

/**
 * Each copy the targets hold or the last check recorded, for the listed backups, and every failed
 * copy at a configured target besides (a backup removed from every target by someone else is listed nowhere, but its
 * copies stay failed until a check finds them again).
 */
async function copyStates(db: Database, backups: ListedBackup[], locations: string[]): Promise<CopyState[]> {
  const names = backups.map((b) => b.name);
  const rows = await db
    .select()
    .from(backupCopies)
    .where(
      and(
        inArray(backupCopies.location, locations),
        names.length ? or(inArray(backupCopies.backupName, names), eq(backupCopies.state, "failed")) : eq(backupCopies.state, "failed"),
      ),
    )
    .orderBy(desc(backupCopies.backupName), asc(backupCopies.location));
  const out: CopyState[] = rows
    .filter((r) => !names.includes(r.backupName))
    .map((r) => ({ name: r.backupName, location: r.location, state: r.state, checkedAt: r.checkedAt, verifiedAt: r.verifiedAt, error: r.error }));
  for (const b of backups) {
    for (const location of locations) {
      const row = rows.find((r) => r.backupName === b.name && r.location === location);
      if (row) out.push({ name: b.name, location, state: row.state, checkedAt: row.checkedAt, verifiedAt: row.verifiedAt, error: row.error });
      else if (b.locations.includes(location)) out.push({ name: b.name, location, state: "unchecked", checkedAt: null, verifiedAt: null, error: null });
    }
  }
  return out.sort((x, y) => y.name.localeCompare(x.name));
}

/** What an organization's owner may know: no history, sizes, targets or names, and no storage call. */
export async function organizationBackupSummary(db: Database): Promise<OrganizationBackupSummary> {
  const [lastSuccessfulBackup, lastVerified] = await Promise.all([lastRun(db, "backup", "succeeded"), lastRun(db, "verify", "succeeded")]);
  const backedUp = Boolean(lastSuccessfulBackup) && now().getTime() - lastSuccessfulBackup!.startedAt.getTime() <= STALE_MS;
  return { backedUp, lastVerifiedAt: lastVerified?.finishedAt ?? null };
}

/**
 * The backups page's data, by who asks: ChargeKeep's operators (users.is_operator) get the
 * platform-wide view; anyone else with backups:read gets only the organization summary, so one
 * tenant never learns the platform's history, sizes or storage layout.
 */
export async function backupStatusFor(
  db: Database,
  ctx: SessionContext,
): Promise<{ view: "operator"; status: BackupStatus } | { view: "organization"; summary: OrganizationBackupSummary }> {
  authorize(ctx, "backups:read");
  if (ctx.user.isOperator) return { view: "operator", status: await backupStatus(db) };
  return { view: "organization", summary: await organizationBackupSummary(db) };
}

/**
 * The running runs and their progress, for the backups page's poll: operators only. Anyone else
 * with backups:read is told there is nothing here (404), like a page they cannot see.
 */
export async function runningRunsFor(db: Database, ctx: SessionContext): Promise<RunningRun[]> {
  authorize(ctx, "backups:read");
  if (!ctx.user.isOperator) throw notFound("Backup progress");
  return runningRuns(db);
}

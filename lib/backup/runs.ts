import "server-only";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { backupRuns, BACKUP_RUN_KINDS, BACKUP_RUN_STATUSES } from "@/db/schema";
import { recordAudit, type AuditMetadata } from "@/lib/audit";
import type { AuditAction } from "@/lib/audit";
import { now } from "@/lib/clock";

export type RunKind = (typeof BACKUP_RUN_KINDS)[number];
export type RunStatus = (typeof BACKUP_RUN_STATUSES)[number];
export type RunTrigger = "cron" | "cli" | "admin";

/**
 * A running run's process pushes heartbeat_at forward every HEARTBEAT_MS; one whose heartbeat is
 * older than STALE_MS has no live owner (its process crashed, was redeployed, or the row came back
 * in a restored database) and is marked "interrupted" (markInterruptedRuns). Another instance's run
 * keeps beating, so it is never touched.
 */
export const HEARTBEAT_MS = 30_000;
export const STALE_MS = 4 * HEARTBEAT_MS;
const heartbeats = new Map<string, ReturnType<typeof setInterval>>();

export async function startRun(db: Database, kind: RunKind, trigger: RunTrigger, backupName: string | null = null): Promise<string> {
  const at = now();
  const [row] = await db.insert(backupRuns).values({ kind, trigger, backupName, startedAt: at, heartbeatAt: at }).returning({ id: backupRuns.id });
  const id = row!.id;
  const beat = setInterval(() => {
    db.update(backupRuns)
      .set({ heartbeatAt: now() })
      .where(and(eq(backupRuns.id, id), eq(backupRuns.status, "running")))
      .catch(() => {}); // a missed beat is retried in 30 s; four in a row and the run counts as interrupted
  }, HEARTBEAT_MS);
  beat.unref?.();
  heartbeats.set(id, beat);
  return id;
}

function stopHeartbeat(id: string): void {
  clearInterval(heartbeats.get(id));
  heartbeats.delete(id);
}

/**
 * Start-up (lib/bootstrap) and every scheduled backup: runs left "running" by a process that is
 * gone become "interrupted", so the status page says so and nothing waits on them. One UPDATE:
 * a live run's heartbeat is fresh, so it is never touched, whatever instance owns it.
 */
export async function markInterruptedRuns(db: Database, at = now()): Promise<string[]> {
  const rows = await db
    .update(backupRuns)
    .set({ status: "interrupted", finishedAt: at, error: "The process running it stopped before it finished (a crash, a restart or a restore). The next scheduled run starts afresh." })
    .where(and(eq(backupRuns.status, "running"), lt(sql`coalesce(${backupRuns.heartbeatAt}, ${backupRuns.startedAt})`, sql`${new Date(at.getTime() - STALE_MS).toISOString()}::timestamptz`)))
    .returning({ id: backupRuns.id });
  return rows.map((r) => r.id);
}

export type RunOutcome = {
  status: Exclude<RunStatus, "running">;
  backupName?: string | null;
  bytes?: number | null;
  details?: Record<string, unknown>;
  error?: string | null;
};

/** Closes the run and records its audit event in the same transaction (platform chain). */
export async function finishRun(db: Database, id: string, outcome: RunOutcome, audit: { action: AuditAction; metadata: AuditMetadata }): Promise<void> {
  stopHeartbeat(id);
  await db.transaction(async (tx) => {
    await tx
      .update(backupRuns)
      .set({
        status: outcome.status,
        ...(outcome.backupName !== undefined ? { backupName: outcome.backupName } : {}),
        bytes: outcome.bytes ?? null,
        details: outcome.details ?? {},
        error: outcome.error?.slice(0, 2000) ?? null,
        finishedAt: now(),
      })
      .where(eq(backupRuns.id, id));
    await recordAudit(tx as unknown as Database, {
      organizationId: null,
      actorUserId: null,
      action: audit.action,
      result: outcome.status === "failed" ? "failure" : "success",
      targetType: "backup",
      targetId: outcome.backupName ?? undefined,
      metadata: { run: id, status: outcome.status, ...audit.metadata },
    });
  });
}

/** Names of backups a verification restored successfully, newest first. */
export async function verifiedBackupNames(db: Database): Promise<string[]> {
  const rows = await db
    .selectDistinct({ name: backupRuns.backupName })
    .from(backupRuns)
    .where(and(eq(backupRuns.kind, "verify"), eq(backupRuns.status, "succeeded")));
  return rows.map((r) => r.name).filter((n): n is string => !!n).sort().reverse();
}

export async function recentRuns(db: Database, limit = 50) {
  return db.select().from(backupRuns).orderBy(desc(backupRuns.startedAt)).limit(limit);
}

export async function lastRun(db: Database, kind: RunKind, status?: RunStatus) {
  const where = status ? and(eq(backupRuns.kind, kind), eq(backupRuns.status, status)) : eq(backupRuns.kind, kind);
  const [row] = await db.select().from(backupRuns).where(where).orderBy(desc(backupRuns.startedAt)).limit(1);
  return row ?? null;
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

import { randomUUID } from "node:crypto";
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** check = every copy at every target read back and checked (lib/backup/verify-copies.ts). */
export const BACKUP_RUN_KINDS = ["backup", "verify", "restore", "prune", "check"] as const;
/** "interrupted": the process running it stopped (a crash, a deploy, a restore) before it finished. */
export const BACKUP_RUN_STATUSES = ["running", "succeeded", "partial", "failed", "interrupted"] as const;

/**
 * Platform-wide record of every backup, verification, restore and prune (the status page reads it).
 * The backups themselves live in the targets with their manifests; this is the history.
 */
export const backupRuns = pgTable(
  "backup_runs",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    kind: text("kind", { enum: BACKUP_RUN_KINDS }).notNull(),
    /** The backup's name in the targets (e.g. "20261124T101500Z-3f9a"). */
    backupName: text("backup_name"),
    /** cron | cli | admin */
    trigger: text("trigger").notNull(),
    status: text("status", { enum: BACKUP_RUN_STATUSES }).notNull().default("running"),
    bytes: bigint("bytes", { mode: "number" }),
    /** Per-target results, table counts and checksums: never a key. */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** Pushed forward while the run's process works on it; a "running" run whose heartbeat stopped was interrupted. */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    /** Where a running run stands (lib/backup/progress.ts: phase, rows or bytes done): the backups page polls it. */
    progress: jsonb("progress").$type<Record<string, unknown>>(),
  },
  (t) => [index("backup_runs_kind_started_idx").on(t.kind, t.startedAt.desc())],
);

export const BACKUP_COPY_STATES = ["verified", "failed"] as const;

/**
 * One row per copy (a backup at one target): whether its last read-back check passed (manifest
 * seal, size, SHA-256, every chunk's tag, the whole dump) and when it last did. Platform data: only
 * operators see it.
 */
export const backupCopies = pgTable(
  "backup_copies",
  {
    backupName: text("backup_name").notNull(),
    /** The target's location as configured (never a credential). */
    location: text("location").notNull(),
    state: text("state", { enum: BACKUP_COPY_STATES }).notNull(),
    checkedAt: timestamp("checked_at", { withTimezone: true }).notNull(),
    /** The last check this copy passed (kept when a later check fails). */
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    bytes: bigint("bytes", { mode: "number" }),
    /** Why the last check failed (operators' alert and page). */
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.backupName, t.location] })],
);

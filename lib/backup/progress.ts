import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { backupRuns } from "@/db/schema";

/**
 * Where a backup, verification, prune, copy check or restore stands (issue 22). Each operation
 * takes an optional `onProgress` and calls it at every phase and, while bytes stream, at most every
 * PROGRESS_INTERVAL_MS; the run row keeps the latest one (backup_runs.progress) so the backups
 * page, in another process than the worker, can poll it. Targets are named by position only:
 * storage locations are infrastructure detail.
 */
export type BackupPhase =
  | "dump" // snapshot taken and every table counted (rows known)
  | "encrypt" // dump -> gzip -> AES-256-GCM streaming to every target at once (bytes of the dump read)
  | "upload" // one target's copy read back, compared and its manifest written
  | "verify" // the new backup restored into a scratch database and compared
  | "prune" // retention applied
  | "check" // every copy at every target read back
  | "fetch" // a copy fetched and checked whole (seal, SHA-256, every chunk's tag)
  | "restore" // the checked dump loaded into the database
  | "compare" // restored tables compared with the manifest
  | "done";

export type BackupProgress = {
  phase: BackupPhase;
  /** What done/total count in this phase. */
  unit?: "rows" | "bytes" | "copies" | "backups";
  done?: number;
  total?: number;
  /** 1-based position of the target in BACKUP_TARGETS, and how many there are. */
  target?: number;
  targets?: number;
};
export type OnProgress = (progress: BackupProgress) => void;

export const PROGRESS_INTERVAL_MS = 1_000;

/** A new step: another phase, or the same phase at another target. */
const stepOf = (p: BackupProgress) => `${p.phase}:${p.target ?? ""}`;

/** Forwards a step's first event, its completion, and repeats no more often than the interval. */
export function throttled(onProgress: OnProgress, intervalMs = PROGRESS_INTERVAL_MS): OnProgress & { force: OnProgress } {
  let last = 0;
  let lastStep: string | undefined;
  const force: OnProgress = (p) => {
    last = Date.now();
    lastStep = stepOf(p);
    onProgress(p);
  };
  const fn = (p: BackupProgress) => {
    // A step's completion (done = total) always passes: the last number a reader sees is the real one.
    const complete = p.total !== undefined && p.done === p.total;
    if (complete || stepOf(p) !== lastStep || Date.now() - last >= intervalMs) force(p);
  };
  return Object.assign(fn, { force });
}

/**
 * The caller's callback plus the run row: every event reaches the caller; the row is written at
 * each phase change and at most once a second otherwise, one write at a time, only while the run is
 * still running (a late write after finishRun changes nothing). A failed write is skipped: progress
 * is a courtesy, the run's outcome is recorded by finishRun.
 */
export function progressRecorder(db: Database, runId: string, onProgress?: OnProgress): OnProgress & { flush: () => Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  let pending: BackupProgress | null = null;
  let lastWrite = 0;
  let lastStep: string | undefined;
  let trailing: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    clearTimeout(trailing);
    trailing = undefined;
    const p = pending;
    pending = null;
    if (!p) return;
    lastWrite = Date.now();
    lastStep = stepOf(p);
    chain = chain
      .then(() => db.update(backupRuns).set({ progress: p }).where(and(eq(backupRuns.id, runId), eq(backupRuns.status, "running"))))
      .then(
        () => {},
        () => {},
      );
  };
  const fn = (p: BackupProgress) => {
    try {
      onProgress?.(p);
    } catch {
      // A caller's printing problem never stops a backup.
    }
    pending = p;
    if (stepOf(p) !== lastStep || Date.now() - lastWrite >= PROGRESS_INTERVAL_MS) write();
    else if (!trailing) {
      // The latest event of a quiet stretch (a long restore after its first line) still reaches the row.
      trailing = setTimeout(write, PROGRESS_INTERVAL_MS);
      trailing.unref?.();
    }
  };
  return Object.assign(fn, {
    flush: async () => {
      write();
      await chain;
    },
  });
}

export type RunningRun = { id: string; kind: string; trigger: string; backupName: string | null; startedAt: Date; progress: BackupProgress | null };

/** Runs still running, oldest first, with their latest progress (operators only: see the progress route). */
export async function runningRuns(db: Database): Promise<RunningRun[]> {
  const rows = await db
    .select({ id: backupRuns.id, kind: backupRuns.kind, trigger: backupRuns.trigger, backupName: backupRuns.backupName, startedAt: backupRuns.startedAt, progress: backupRuns.progress })
    .from(backupRuns)
    .where(eq(backupRuns.status, "running"))
    .orderBy(asc(backupRuns.startedAt))
    .limit(10);
  return rows.map((r) => ({ ...r, progress: (r.progress as BackupProgress | null) ?? null }));
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const STEP: Record<BackupPhase, string> = {
  dump: "Dumping",
  encrypt: "Compressing, encrypting and writing",
  upload: "Reading back and sealing",
  verify: "Verifying by a test restore",
  prune: "Pruning old backups",
  check: "Checking every copy",
  fetch: "Fetching and checking",
  restore: "Restoring",
  compare: "Comparing with the manifest",
  done: "Done",
};

/** The step in words, with the target's position when there is one (changes a few times per run). */
export function describeStep(p: BackupProgress): string {
  return `${STEP[p.phase]}${p.target ? ` (target ${p.target} of ${p.targets ?? "?"})` : ""}`;
}

/** One line a person reads (the CLI's progress line, the backups page): the step and what is done of what. */
export function describeProgress(p: BackupProgress): string {
  const n = (v: number) => v.toLocaleString("en-US");
  let of = "";
  if (p.done !== undefined && p.unit === "bytes") of = p.total ? `${mb(p.done)} of ${mb(p.total)}` : mb(p.done);
  else if (p.done !== undefined) of = `${n(p.done)}${p.total !== undefined ? ` of ${n(p.total)}` : ""} ${p.unit ?? ""}`.trimEnd();
  else if (p.total !== undefined) of = `${n(p.total)} ${p.unit ?? ""}`.trimEnd();
  return `${describeStep(p)}${of ? `: ${of}` : ""}`;
}

/** What the backups page and its progress route show of a running run: words and numbers, no location. */
export type RunProgressView = { id: string; kind: string; step: string; text: string; done: number | null; total: number | null };

export function progressView(r: RunningRun): RunProgressView {
  const p = r.progress ?? { phase: "dump" as const };
  return { id: r.id, kind: r.kind, step: describeStep(p), text: describeProgress(p), done: p.done ?? null, total: p.total ?? null };
}

import "server-only";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@/db";
import { raiseAlert } from "@/lib/alerts";
import type { KmsProvider } from "@/lib/crypto";
import type { ObjectStore } from "@/lib/storage";
import { dumpAsBlob, fetchVerifiedBackup, type FetchedBackup } from "./fetch-backup";
import { listBackups } from "./list-backups";
import type { TableStat } from "./manifest";
import { loadPglite, pgliteStats } from "./pglite-tools";
import { postgresStats, restorePostgres, scratchPostgres } from "./postgres-tools";
import { progressRecorder, throttled, type OnProgress } from "./progress";
import { describeError, finishRun, startRun, type RunTrigger } from "./runs";
import type { BackupSource } from "./source";
import { compareStats, type StatDifference } from "./table-stats";
import { backupTargets } from "./targets";

export type VerifyResult = {
  name: string | null;
  status: "succeeded" | "failed";
  location?: string;
  tables: number;
  rows: number;
  differences: StatDifference[];
  /** Targets tried before one gave a sound copy, with why each was refused. */
  refused: { location: string; error: string }[];
  error?: string;
};

/** onProgress: phase "verify" (bytes fetched, then rows restored into the scratch database), then "done". */
export type VerifyOptions = { trigger: RunTrigger; name?: string; targets?: ObjectStore[]; kms?: KmsProvider; onProgress?: OnProgress };

/** Bytes of one target's copy fetched and checked so far (target is 1-based in the order tried). */
export type FetchProgress = (p: { target: number; targets: number; done: number; total: number }) => void;

/** Finds a sound copy of `name` in any target (first that passes every check). */
export async function fetchFromAnyTarget(
  targets: ObjectStore[],
  name: string,
  kms: KmsProvider | undefined,
  refused: { location: string; error: string }[],
  onFetch?: FetchProgress,
): Promise<FetchedBackup> {
  for (const [i, store] of targets.entries()) {
    try {
      return await fetchVerifiedBackup(store, name, kms, onFetch && ((done, total) => onFetch({ target: i + 1, targets: targets.length, done, total })));
    } catch (e) {
      refused.push({ location: store.location, error: describeError(e) });
    }
  }
  throw new Error(`No target holds a sound copy of ${name}: ${refused.map((r) => `${r.location}: ${r.error}`).join("; ")}`);
}

/** Restores the dump into a scratch database of the same kind and returns its statistics. */
export async function scratchRestoreStats(source: BackupSource, fetched: FetchedBackup): Promise<TableStat[]> {
  if (source.kind === "postgres") {
    const scratch = await scratchPostgres(source.url);
    try {
      await restorePostgres(scratch.url, fetched.openDump(), { clean: false });
      return await postgresStats(scratch.url);
    } finally {
      await scratch.drop();
    }
  }
  const dir = await mkdtemp(join(tmpdir(), "ck-verify-pglite-"));
  try {
    const client = await loadPglite(await dumpAsBlob(fetched), dir);
    try {
      return await pgliteStats(client);
    } finally {
      await client.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Proves the newest backup (or the one named) restores: fetched and checked from a target,
 * restored into a scratch database (a temporary PGlite, or a temporary database on the same
 * server, dropped after), and every table's row count and checksum compared with the manifest.
 */
export async function verifyBackup(db: Database, source: BackupSource, options: VerifyOptions): Promise<VerifyResult> {
  const targets = options.targets ?? backupTargets();
  const runId = await startRun(db, "verify", options.trigger, options.name ?? null);
  const report = progressRecorder(db, runId, options.onProgress);
  const streaming = throttled(report);
  report({ phase: "verify" });
  const result: VerifyResult = { name: options.name ?? null, status: "failed", tables: 0, rows: 0, differences: [], refused: [] };
  try {
    const listed = await listBackups(targets);
    const chosen = options.name ? listed.find((b) => b.name === options.name) : listed.find((b) => b.locations.length > 0);
    if (!chosen) throw new Error(options.name ? `There is no backup named ${options.name} in any target.` : "There is no complete backup in any target to verify.");
    result.name = chosen.name;
    const ordered = [...targets].sort((a, b) => Number(chosen.locations.includes(b.location)) - Number(chosen.locations.includes(a.location)));
    const fetched = await fetchFromAnyTarget(ordered, chosen.name, options.kms, result.refused, (p) => streaming({ phase: "verify", unit: "bytes", ...p }));
    try {
      result.location = fetched.location;
      report({ phase: "verify", unit: "rows", done: 0, total: fetched.manifest.tables.reduce((n, t) => n + t.rows, 0) });
      const restored = await scratchRestoreStats(source, fetched);
      result.differences = compareStats(fetched.manifest.tables, restored);
      result.tables = restored.length;
      result.rows = restored.reduce((n, t) => n + t.rows, 0);
      result.status = result.differences.length === 0 ? "succeeded" : "failed";
      if (result.differences.length) result.error = `${result.differences.length} table(s) differ from the manifest after restoring.`;
    } finally {
      await fetched.cleanup();
    }
  } catch (e) {
    result.error = describeError(e);
  }
  report({ phase: "done", unit: "rows", done: result.rows, total: result.rows });
  await report.flush();
  await finishRun(
    db,
    runId,
    {
      status: result.status,
      backupName: result.name,
      details: { location: result.location ?? null, tables: result.tables, rows: result.rows, differences: result.differences.slice(0, 50), refused: result.refused },
      error: result.error ?? null,
    },
    { action: "backup.verified", metadata: { backup: result.name, location: result.location ?? null, tables: result.tables, rows: result.rows, differences: result.differences.length } },
  );
  if (result.status === "failed") {
    await raiseAlert(db, {
      organizationId: null,
      rule: "backup.verify_failed",
      severity: "critical",
      title: "A backup did not verify",
      detail: `Verification of ${result.name ?? "the newest backup"} failed: ${result.error ?? "unknown error"}`,
      dedupeKey: `backup:verify:${result.name ?? "none"}`,
    }).catch((e: unknown) => console.error(`[backup] could not raise the alert: ${describeError(e)}`));
  }
  return result;
}

import "server-only";
import { existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { openDatabase } from "@/db/client";
import { loadKeyring, type KmsProvider } from "@/lib/crypto";
import { openStore, type ObjectStore } from "@/lib/storage";
import { dumpAsBlob } from "./fetch-backup";
import { listBackups } from "./list-backups";
import type { TableStat } from "./manifest";
import { loadPglite, pgliteStats } from "./pglite-tools";
import { postgresStats, restorePostgres, userTableCount } from "./postgres-tools";
import { throttled, type OnProgress } from "./progress";
import { describeError, finishRun, startRun, type RunTrigger } from "./runs";
import { compareStats, type StatDifference } from "./table-stats";
import { backupTargets } from "./targets";
import { fetchFromAnyTarget } from "./verify-backup";

/** Where to restore: a Postgres database, or a PGlite data directory. */
export type RestoreInto = { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };

export type RestoreOptions = {
  trigger: RunTrigger;
  /** Default: the newest backup with a complete copy somewhere. */
  name?: string;
  /** Only this target's copy (a location as in BACKUP_TARGETS). */
  from?: string;
  /** Required to overwrite a database that already has tables. */
  yes: boolean;
  targets?: ObjectStore[];
  kms?: KmsProvider;
  /**
   * Phases fetch (bytes of the copy fetched and checked, per target tried) -> restore (rows) ->
   * compare -> done. Only the caller hears it: the run is recorded in the restored database afterwards.
   */
  onProgress?: OnProgress;
  /**
   * The CLI: its process has no keyring installed, and recording the restore writes an audit event
   * whose MAC key lives in the (restored) database's keyring. The server and tests have theirs.
   */
  loadRestoredKeyring?: boolean;
};

export type RestoreResult = { name: string; location: string; tables: TableStat[]; rows: number; replacedDir?: string };

export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefusedError";
  }
}

/**
 * Restores a backup after it passed every check (fetchVerifiedBackup), then compares the restored
 * tables with the manifest, then records the restore (a backup_runs row and backup.restored) in the
 * restored database: the history before the restore is the backup's.
 * Postgres: pg_restore in one transaction (with --clean over an existing database).
 * PGlite: loaded into a new directory beside the target, checked, then swapped in; the previous
 * directory is kept as `<dir>.before-restore-<time>` for the operator to remove.
 */
export async function restoreBackup(into: RestoreInto, options: RestoreOptions): Promise<RestoreResult> {
  let targets = options.targets ?? backupTargets();
  if (options.from) {
    const wanted = openStore(options.from).location;
    targets = targets.filter((t) => t.location === wanted);
    if (targets.length === 0) throw new RestoreRefusedError(`${options.from} is not one of BACKUP_TARGETS.`);
  }
  const listed = await listBackups(targets);
  const chosen = options.name ? listed.find((b) => b.name === options.name) : listed.find((b) => b.locations.length > 0);
  if (!chosen) throw new RestoreRefusedError(options.name ? `There is no backup named ${options.name} in ${targets.map((t) => t.location).join(", ")}.` : "There is no complete backup to restore.");

  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's PGLITE_DIR
  const nonEmpty = into.kind === "postgres" ? (await userTableCount(into.url)) > 0 : existsSync(join(into.dir, "PG_VERSION"));
  if (nonEmpty && !options.yes) {
    throw new RestoreRefusedError(`The target database is not empty: restoring ${chosen.name} would replace everything in it. Run again with --yes to overwrite it.`);
  }
  const refused: { location: string; error: string }[] = [];
  const report = throttled(options.onProgress ?? (() => {}));
  const fetched = await fetchFromAnyTarget(targets, chosen.name, options.kms, refused, (p) => report({ phase: "fetch", unit: "bytes", ...p })).catch((e: unknown) => {
    throw new RestoreRefusedError(`Nothing was restored. ${describeError(e)}`);
  });
  let restored: TableStat[];
  let differences: StatDifference[];
  let replacedDir: string | undefined;
  const manifestRows = fetched.manifest.tables.reduce((n, t) => n + t.rows, 0);
  report.force({ phase: "restore", unit: "rows", done: 0, total: manifestRows });
  try {
    if (into.kind === "postgres") {
      await restorePostgres(into.url, fetched.openDump(), { clean: nonEmpty });
      report.force({ phase: "compare", unit: "rows", total: manifestRows });
      restored = await postgresStats(into.url);
      differences = compareStats(fetched.manifest.tables, restored);
    } else {
      const stamp = new Date().toISOString().replace(/[-:.]/g, "");
      const incoming = `${into.dir}.restoring-${stamp}`;
      const client = await loadPglite(await dumpAsBlob(fetched), incoming);
      report.force({ phase: "compare", unit: "rows", total: manifestRows });
      try {
        restored = await pgliteStats(client);
      } finally {
        await client.close();
      }
      differences = compareStats(fetched.manifest.tables, restored);
      // The dump carries the lock file of the process that was running then: not ours.
      await rm(join(incoming, "chargekeep.lock"), { force: true });
      if (differences.length) {
        await rm(incoming, { recursive: true, force: true });
      } else {
        // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's PGLITE_DIR and siblings we name
        if (existsSync(into.dir)) {
          replacedDir = `${into.dir}.before-restore-${stamp}`;
          // eslint-disable-next-line security/detect-non-literal-fs-filename -- as above
          await rename(into.dir, replacedDir);
        }
        // eslint-disable-next-line security/detect-non-literal-fs-filename -- as above
        await rename(incoming, into.dir);
      }
    }
  } finally {
    await fetched.cleanup();
  }
  if (differences.length) {
    throw new RestoreRefusedError(`The restored data does not match ${chosen.name}'s manifest (${differences.map((d) => d.table).join(", ")}).${into.kind === "pglite" ? " The target directory was left as it was." : ""}`);
  }
  const rows = restored.reduce((n, t) => n + t.rows, 0);
  const handle = openDatabase(into.kind === "postgres" ? { databaseUrl: into.url, pgliteDir: "" } : { pgliteDir: into.dir });
  try {
    if (options.loadRestoredKeyring) await loadKeyring(handle.db, options.kms);
    const runId = await startRun(handle.db, "restore", options.trigger, chosen.name);
    await finishRun(
      handle.db,
      runId,
      { status: "succeeded", backupName: chosen.name, details: { location: fetched.location, tables: restored.length, rows, refused }, error: null },
      { action: "backup.restored", metadata: { backup: chosen.name, location: fetched.location, tables: restored.length, rows } },
    );
  } finally {
    await handle.close();
  }
  report.force({ phase: "done", unit: "rows", done: rows, total: manifestRows });
  return { name: chosen.name, location: fetched.location, tables: restored, rows, replacedDir };
}

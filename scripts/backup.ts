/**
 * `npm run backup`: backs up the whole database (pg_dump on Postgres, PGlite's own dump otherwise),
 * gzip, encrypted with a fresh key wrapped by MASTER_KEY, to every BACKUP_TARGETS location, each
 * copy read back and checked. Exits 1 unless every target has it (a failing target raises an alert).
 * On PGlite it refuses while the app holds the data directory: use /api/cron/backup then.
 * Prints a progress line while it works (rewritten in place on a terminal, a line per step in logs).
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { createBackup, describeProgress, sourceOf } = await import("../lib/backup");
const { progressLine } = await import("./progress-line");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db); // alert e-mails read encrypted addresses
  console.log(`Backing up the ${handle.kind === "postgres" ? "PostgreSQL" : "PGlite"} database...`);
  const started = performance.now();
  const line = progressLine(describeProgress);
  const result = await createBackup(handle.db, sourceOf(handle), { trigger: "cli", onProgress: line.onProgress });
  line.end();
  for (const t of result.targets) console.log(`${t.ok ? "ok    " : "FAILED"}  ${t.location}${t.error ? `: ${t.error}` : ""}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status === "failed") console.error(`\nBackup ${result.name} FAILED: ${result.error ?? "no target has it"}`);
  else console.log(`\nBackup ${result.name}: ${result.status}, ${result.tables} tables, ${result.rows} rows, ${(result.bytes / 1e6).toFixed(1)} MB encrypted, in ${seconds} s.`);
  if (result.status === "partial") console.error("Not every target has it: an alert was raised. Fix the failing target and run again.");
  await closeDb();
  process.exitCode = result.status === "succeeded" ? 0 : 1;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}

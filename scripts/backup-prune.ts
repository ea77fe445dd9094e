/**
 * `npm run backup:prune`: deletes backups outside the retention policy (BACKUP_KEEP_DAILY,
 * BACKUP_KEEP_WEEKLY, BACKUP_KEEP_MONTHLY) from every target; never the newest backup nor the
 * newest verified one. Records backup.pruned.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { pruneBackups, retentionFromEnv } = await import("../lib/backup");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db);
  const keep = retentionFromEnv();
  console.log(`Keeping the newest backup of each of the last ${keep.daily} days, ${keep.weekly} weeks and ${keep.monthly} months, and the newest verified one.`);
  const result = await pruneBackups(handle.db, { trigger: "cli", keep });
  for (const name of result.deleted) console.log(`deleted  ${name}`);
  for (const e of result.errors) console.error(`FAILED   ${e.name} in ${e.location}: ${e.error}`);
  console.log(`\n${result.deleted.length} deleted, ${result.kept.length} kept.`);
  await closeDb();
  process.exitCode = result.errors.length ? 1 : 0;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}

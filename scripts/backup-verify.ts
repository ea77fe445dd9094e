/**
 * `npm run backup:verify [-- <backup name>]`: restores the newest backup (or the one named) into a
 * scratch database (a temporary PGlite, or a temporary database on the same Postgres server,
 * dropped after) and compares every table's row count and checksum with its manifest. Exits 1 on
 * any difference or refused copy.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { sourceOf, verifyBackup } = await import("../lib/backup");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

const name = process.argv.slice(2).find((a) => !a.startsWith("-"));
try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db);
  const result = await verifyBackup(handle.db, sourceOf(handle), { trigger: "cli", name });
  for (const r of result.refused) console.error(`refused  ${r.location}: ${r.error}`);
  if (result.status === "succeeded") {
    console.log(`Verified ${result.name} from ${result.location}: restored ${result.tables} tables, ${result.rows} rows; every count and checksum matches the manifest.`);
  } else {
    for (const d of result.differences) console.error(`DIFFERS  ${d.table}: manifest ${d.expected}, restored ${d.actual}`);
    console.error(`Verification of ${result.name ?? "the newest backup"} FAILED: ${result.error}`);
  }
  await closeDb();
  process.exitCode = result.status === "succeeded" ? 0 : 1;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}

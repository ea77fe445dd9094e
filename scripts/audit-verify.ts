/**
 * `npm run audit:verify [-- <chain>...]`: walks every audit chain (or the ones named: an
 * organization id, or "platform"), checks each event's MAC under the audit key it names, each
 * link, the chain heads, the legacy seals and the signed prune checkpoints; then compares the
 * database with the newest genuine anchor in the anchor stores (BACKUP_TARGETS, audit-anchors/),
 * which catches deleted newest events, cut chains and a restored older database. Prints one line
 * per chain and per problem; exits 1 when anything is wrong or no anchor could be checked.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { runAuditVerify } = await import("../lib/audit");

const chains = process.argv.slice(2).filter((a) => !a.startsWith("-"));
try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db); // the audit MAC keys and the checkpoint key come from the keyring
  const result = await runAuditVerify(handle.db, { chains, out: (line) => console.log(line) });
  await closeDb();
  process.exitCode = result.exitCode;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}

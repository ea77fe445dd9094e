/**
 * `npm run audit:rotate-key [-- --grace-seconds=N]`: adds a new audit MAC key. New audit events
 * and anchors use it once every server has loaded it (after --grace-seconds; default on Postgres:
 * twice KEYRING_REFRESH_SECONDS plus 5; PGlite: at once). Older audit keys stay in the keyring for
 * good: every event and anchor names its key, and audit:verify needs that key to check it. A chain
 * never goes back to an older key, so a leaked old key cannot sign new events. Recorded as
 * audit.key_rotated on the platform chain.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring, rotateAuditKey } = await import("../lib/crypto");
const { env } = await import("../lib/env");
const { recordAuditKeyRotation } = await import("../lib/audit");

try {
  const raw = process.argv.find((a) => a.startsWith("--grace-seconds="))?.slice("--grace-seconds=".length);
  if (raw !== undefined && !/^\d{1,6}$/.test(raw)) throw new Error("--grace-seconds must be a whole number");
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  const keyring = await loadKeyring(handle.db);
  const graceSeconds = raw !== undefined ? Number(raw) : handle.kind === "pglite" ? 0 : 2 * env().KEYRING_REFRESH_SECONDS + 5;
  const result = await rotateAuditKey(handle.db, keyring, { graceMs: graceSeconds * 1000 });
  await recordAuditKeyRotation(handle.db, result);
  console.log(`Added audit key ${result.keyId}${result.previous ? ` (after key ${result.previous})` : ""}; new audit events and anchors use it from ${result.activatesAt.toISOString()}.`);
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

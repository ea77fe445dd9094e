/**
 * `npm run keys:rotate [-- --batch-size=500 --grace-seconds=N]`: adds a data key, re-encrypts every
 * encrypted column with it in batches, and retires the old key once no value uses it.
 * Killed half-way? Run it again: it finishes the same rotation (it does not add another key).
 * On Postgres new values switch to the new key only after --grace-seconds (default: twice
 * KEYRING_REFRESH_SECONDS plus 5), so every running server has loaded it first. PGlite refuses
 * while the app holds the database (stop the app first), so there it starts at once.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring, rotateDataKey } = await import("../lib/crypto");
const { env } = await import("../lib/env");
const { recordKeyRotation } = await import("../lib/audit");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

function numberArg(name: string): number | undefined {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
}

const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping after the current batch. Run npm run keys:rotate again to finish.`);
    controller.abort();
  });
}

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  const keyring = await loadKeyring(handle.db);
  const graceSeconds = numberArg("grace-seconds") ?? (handle.kind === "pglite" ? 0 : 2 * env().KEYRING_REFRESH_SECONDS + 5);
  const result = await rotateDataKey(handle.db, keyring, {
    graceMs: graceSeconds * 1000,
    batchSize: numberArg("batch-size") || 500,
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  await recordKeyRotation(handle.db, result);
  if (result.complete) {
    console.log(`Done: every encrypted value uses data key ${result.targetKeyId}.`);
  } else {
    console.log(`Not finished: ${result.remaining} value(s) still use older keys. Run npm run keys:rotate again.`);
    process.exitCode = 1;
  }
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

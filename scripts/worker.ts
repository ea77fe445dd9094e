/**
 * `npm run worker`: the background workers (pg-boss jobs: backups, bank sync, webhook and SIEM
 * delivery, alert evaluation) without the web server, for a dedicated worker dyno. Set
 * JOBS_WORKERS=off on the web processes then. Needs DATABASE_URL (PGlite is one process: in
 * development the app runs the workers itself). SIGTERM lets running jobs finish (up to 25 s,
 * inside Heroku's 30 s) before exiting.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { env } = await import("../lib/env");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { keepKeyringFresh, loadKeyring } = await import("../lib/crypto");
const { startBackgroundWork, stopBackgroundWork } = await import("../lib/workers");

try {
  const config = env();
  if (!config.DATABASE_URL) throw new Error("npm run worker needs DATABASE_URL: with the embedded PGlite database the app runs its workers itself.");
  const handle = getDbHandle();
  await runMigrations(handle);
  const keyring = await loadKeyring(handle.db); // jobs read encrypted columns (bank tokens, webhook secrets)
  keepKeyringFresh(handle.db, keyring, config.KEYRING_REFRESH_SECONDS);
  await startBackgroundWork({ force: true });
  console.log("ChargeKeep worker running (pg-boss). Ctrl-C or SIGTERM stops it after running jobs finish.");
  const stop = async (signal: string) => {
    console.log(`${signal}: stopping the worker...`);
    await stopBackgroundWork(25_000);
    await closeDb();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}

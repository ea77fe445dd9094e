/**
 * `tsx --conditions=react-server sftp-server/main.ts`: the SFTP server alone, for deployments on
 * PostgreSQL (a Procfile worker or a second container). With the embedded PGlite database only one
 * process may open the data directory, so in development the app's server runs SFTP inside itself
 * (SFTP_SERVER=on, lib/bootstrap) and this entry refuses to share the directory (db/ lock file).
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { keepKeyringFresh, loadKeyring } = await import("../lib/crypto");
const { env } = await import("../lib/env");
const { loadFirewall } = await import("../lib/firewall");
const { listenToAuditEvents } = await import("../lib/alerts");
// The server module alone: the index also carries the dashboard side (step-up MFA, Next helpers).
const { startSftpServer } = await import("../lib/sftp/server");

try {
  const config = env();
  listenToAuditEvents(); // the alert rules hear the SFTP process's audit events too
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  const keyring = await loadKeyring(handle.db);
  if (handle.kind === "postgres") keepKeyringFresh(handle.db, keyring, config.KEYRING_REFRESH_SECONDS);
  await loadFirewall(handle.db);
  const server = await startSftpServer({ db: handle.db });
  console.log(`  ChargeKeep SFTP listening on ${server.host}:${server.port}, host key ED25519 ${server.fingerprint}`);
  const stop = async () => {
    await server.close();
    await closeDb();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

import "server-only";
import { getDbHandle } from "@/db";
import { listenToHttpSignals } from "@/lib/alerts";
import { runMigrations } from "@/db/migrate";
import { encryptLegacyValues, keepKeyringFresh, loadKeyring } from "@/lib/crypto";
import { listenToAuditEvents } from "@/lib/alerts";
import { ensureSandboxInstitutions } from "@/lib/banking";
import { seedDemoAtStartup } from "@/lib/demo";
import { keepFirewallFresh, loadFirewall } from "@/lib/firewall";
import { env } from "@/lib/env";
import { registerSharedEdgeLimits } from "@/lib/ratelimit";
import { startSftpServer } from "@/lib/sftp";
import { markInterruptedRuns } from "@/lib/backup";
import { markInterruptedSyncs } from "@/lib/sync";
import { startBackgroundWork } from "@/lib/workers";

/** Runs once per server process (instrumentation.ts): config check, migrations, keyring, demo seed. */
export async function bootstrap(): Promise<void> {
  const config = env(); // throws with every bad variable named: a bad deploy stops here
  // The alert rules hear every audit event from here on (lib/audit imports no listener).
  listenToAuditEvents();
  const handle = getDbHandle();
  // The gate's 5xx and 429 answers reach the system alert rules through a subscription (lib/http/signals.ts).
  listenToHttpSignals();
  await runMigrations(handle);
  // Encrypted columns are read synchronously: every data key is unwrapped here, once.
  const keyring = await loadKeyring(handle.db);
  await encryptLegacyValues(handle.db, keyring, undefined, (line) => console.log(line));
  // Other servers (or keys:rotate) may add keys; PGlite has one process, so nothing to watch there.
  if (handle.kind === "postgres") keepKeyringFresh(handle.db, keyring, config.KEYRING_REFRESH_SECONDS);
  // The proxy checks the firewall from memory: load the rules before the first request.
  await loadFirewall(handle.db);
  // Changes made on other instances arrive pushed (NOTIFY / Redis) and on a timer, never on a request.
  await keepFirewallFresh();
  // With Redis or Upstash the proxy's per-IP limits count across every instance (memory stays the first pass).
  registerSharedEdgeLimits();
  // Sandbox institutions appear (or disappear) with SANDBOX_INSTITUTIONS; real ones are added by an operator.
  await ensureSandboxInstitutions(handle.db);
  // Before the background workers start: the demo's first sync is run here, not picked up twice.
  await seedDemoAtStartup(handle.db);
  await recoverInterruptedWork(handle.db);
  // Background jobs (pg-boss) run in the app's process unless JOBS_WORKERS=off (a worker dyno runs them).
  if (await startBackgroundWork()) console.log("  Background jobs: workers running in this process (pg-boss).");
  if (config.SFTP_SERVER === "on") await startSftpBeside(config.SFTP_HOST, config.SFTP_PORT);
  console.log(`  ChargeKeep ready on ${handle.kind === "pglite" ? `embedded PGlite (${config.PGLITE_DIR})` : "PostgreSQL"}.`);
}

/**
 * A crash, a deploy or a restore leaves sync and backup runs "running" that no process works on.
 * Only those whose owner is gone are touched (a lapsed lease, a stopped heartbeat), so a live run
 * of another instance keeps going; the connections become due and resume, the next backup runs.
 */
async function recoverInterruptedWork(db: Parameters<typeof markInterruptedRuns>[0]): Promise<void> {
  const syncs = await markInterruptedSyncs(db);
  const backups = await markInterruptedRuns(db);
  if (syncs.connections || syncs.runs || backups.length) {
    console.log(`  Interrupted work found: ${syncs.runs} sync run(s) on ${syncs.connections} connection(s) will resume; ${backups.length} backup run(s) marked interrupted.`);
  }
}

/**
 * The SFTP server runs inside the app's process (PGlite allows one process per data directory).
 * A taken port is reported, not fatal: the web app is still useful without file transfer.
 */
async function startSftpBeside(host: string, port: number): Promise<void> {
  const key = Symbol.for("chargekeep.sftp.server");
  const g = globalThis as { [k: symbol]: unknown };
  if (g[key]) return;
  try {
    g[key] = await startSftpServer({ host, port });
    console.log(`  SFTP on ${host}:${port} (key-only; fingerprint on the File transfer page).`);
  } catch (error) {
    console.error(`  SFTP server not started on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

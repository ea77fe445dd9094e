/**
 * `npm run db:seed`: create the demo organization "Acme Corp" and its members if missing and print
 * its owner's password once; the app adds the group, alert history and bank connection when it starts.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { demoStartupText, seedDemo } = await import("../lib/demo");
const { loadKeyring } = await import("../lib/crypto");
const { env } = await import("../lib/env");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

try {
  const handle = getDbHandle();
  await runMigrations(handle);
  await loadKeyring(handle.db);
  // The group, alerts and bank connection are made by the app at its next start (they need the Next runtime).
  console.log(demoStartupText(env().APP_URL, await seedDemo(handle.db, { cli: true })));
  console.log("  The Finance team group, the alert history and the bank connection are added when the app starts (npm run dev).");
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

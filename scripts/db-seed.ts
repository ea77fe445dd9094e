/**
 * `npm run db:seed`: create the demo organization "Acme Corp" if missing (members, group, alert
 * history) and print its owner's password once; the app connects its sandbox bank when it starts.
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
  // The bank connection is made by the app at its next start (lib/banking needs the Next runtime).
  console.log(demoStartupText(env().APP_URL, await seedDemo(handle.db, { bank: false })));
  console.log("  The demo's bank connection is made when the app starts (npm run dev) with the sandbox bank running.");
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

/** `npm run db:seed`: create the demo organization "Acme Corp" if missing and print its owner's password once. */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { seedDemo } = await import("../lib/bootstrap/seed");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

try {
  const handle = getDbHandle();
  await runMigrations(handle);
  const created = await seedDemo(handle.db);
  console.log(created ? `Demo owner: ${created.email} / ${created.password} (shown once)` : "Demo organization already exists.");
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

/**
 * `npm run db:seed`: create the demo organization "Acme Corp" if missing (members, group, alert
 * history, and its sandbox bank connection when the sandbox bank runs) and print its owner's password once.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { demoStartupText, seedDemo } = await import("../lib/demo");
const { ensureSandboxInstitutions } = await import("../lib/banking");
const { loadKeyring } = await import("../lib/crypto");
const { env } = await import("../lib/env");

try {
  const handle = getDbHandle();
  await runMigrations(handle);
  await loadKeyring(handle.db);
  await ensureSandboxInstitutions(handle.db);
  console.log(demoStartupText(env().APP_URL, await seedDemo(handle.db)));
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

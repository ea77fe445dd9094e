/** `npm run db:migrate`: apply committed migrations to DATABASE_URL, or to the PGlite dir when unset. */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  console.log(`Migrations applied (${handle.kind}).`);
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

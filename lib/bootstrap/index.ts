import "server-only";
import { getDbHandle } from "@/db";
import { runMigrations } from "@/db/migrate";
import { seedDemo } from "@/db/seed";
import { env } from "@/lib/env";

/** Runs once per server process (instrumentation.ts): config check, migrations, demo seed. */
export async function bootstrap(): Promise<void> {
  const config = env(); // throws with every bad variable named: a bad deploy stops here
  const handle = getDbHandle();
  await runMigrations(handle);
  if (config.SEED_DEMO) {
    const created = await seedDemo(handle.db);
    if (created) {
      console.log(
        [
          "",
          "  ChargeKeep demo organization \"Acme Corp\" created.",
          `  Sign in at ${config.APP_URL}/sign-in`,
          `    e-mail:   ${created.email}`,
          `    password: ${created.password}`,
          "  This password is shown once. Lost it? Use \"Forgot password\" and read the dev outbox.",
          "",
        ].join("\n"),
      );
    }
  }
  console.log(`  ChargeKeep ready on ${handle.kind === "pglite" ? `embedded PGlite (${config.PGLITE_DIR})` : "PostgreSQL"}.`);
}

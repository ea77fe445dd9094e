import "server-only";
import { getDbHandle } from "@/db";
import { runMigrations } from "@/db/migrate";
import { seedDemo } from "@/db/seed";
import { encryptLegacyValues, keepKeyringFresh, loadKeyring } from "@/lib/crypto";
import { loadFirewall } from "@/lib/firewall";
import { env } from "@/lib/env";

/** Runs once per server process (instrumentation.ts): config check, migrations, keyring, demo seed. */
export async function bootstrap(): Promise<void> {
  const config = env(); // throws with every bad variable named: a bad deploy stops here
  const handle = getDbHandle();
  await runMigrations(handle);
  // Encrypted columns are read synchronously: every data key is unwrapped here, once.
  const keyring = await loadKeyring(handle.db);
  await encryptLegacyValues(handle.db, keyring, undefined, (line) => console.log(line));
  // Other servers (or keys:rotate) may add keys; PGlite has one process, so nothing to watch there.
  if (handle.kind === "postgres") keepKeyringFresh(handle.db, keyring, config.KEYRING_REFRESH_SECONDS);
  // The proxy checks the firewall from memory: load the rules before the first request.
  await loadFirewall(handle.db);
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

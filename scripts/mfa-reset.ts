/**
 * `npm run mfa:reset -- <email>`: for a user who lost every factor and every recovery code.
 * Verify who is asking out of band first. Removes their factors, recovery codes and sessions.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { resetUserMfa } = await import("../lib/mfa/reset");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

const email = process.argv[2];
if (!email || !email.includes("@")) {
  console.error("Usage: npm run mfa:reset -- <email of the account>");
  process.exit(2);
}
try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  const result = await resetUserMfa(handle.db, email);
  if (!result) {
    console.error(`No account has the e-mail address ${email}.`);
    process.exitCode = 1;
  } else {
    console.log(
      `Removed for ${email}: ${result.totp} authenticator app(s), ${result.keys} security key(s)/passkey(s), ` +
        `${result.recoveryCodes} recovery code(s); ended ${result.sessions} session(s). Their next sign-in asks only for the password.`,
    );
  }
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

import { rmSync } from "node:fs";

/**
 * With DATABASE_URL (CI: a fresh Postgres database) migrations run once here, before the workers
 * start, so parallel test files never race to migrate. Without it each test file gets its own
 * in-memory PGlite, migrated in tests/setup.ts.
 */
export default async function setup() {
  rmSync(".test-output/outbox", { recursive: true, force: true });
  if (process.env.DATABASE_URL) {
    const { openDatabase } = await import("../db/client");
    const { runMigrations } = await import("../db/migrate");
    const handle = openDatabase({ databaseUrl: process.env.DATABASE_URL, pgliteDir: "memory://" });
    await runMigrations(handle);
    await handle.close();
  }
}

import "server-only";
import path from "node:path";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { DbHandle } from "./client";

export const MIGRATIONS_DIR = path.join(process.cwd(), "db", "migrations");

/** Applies the committed drizzle-kit migrations; the same files serve PGlite and Postgres. */
export async function runMigrations(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR };
  if (handle.kind === "pglite") {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the driver-specific type is erased in Database
    await migratePglite(handle.db as any, config);
  } else {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- same as above
    await migratePostgres(handle.db as any, config);
  }
}

import "server-only";
import { sql } from "drizzle-orm";
import { env } from "@/lib/env";
import { registerDatabaseProbe } from "./availability";
import { openDatabase, type Database, type DbHandle } from "./client";

export type { Database, DbHandle } from "./client";
export { queryRows, rowsOf } from "./client";
export { DatabaseUnavailableError, isDatabaseUnavailable } from "./errors";

// One instance per process, kept on globalThis so hot reload and the proxy's separate
// module graph share it (two PGlite instances on one directory lose writes).
const KEY = Symbol.for("chargekeep.db");
type Holder = { [KEY]?: DbHandle };

export function getDbHandle(): DbHandle {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const config = env();
    const handle = openDatabase({
      databaseUrl: config.DATABASE_URL,
      pgliteDir: config.PGLITE_DIR,
      pool: {
        max: config.DATABASE_POOL_MAX,
        connectTimeoutSeconds: config.DATABASE_CONNECT_TIMEOUT_SECONDS,
        queueTimeoutSeconds: config.DATABASE_QUEUE_TIMEOUT_SECONDS,
        statementTimeoutSeconds: config.DATABASE_STATEMENT_TIMEOUT_SECONDS,
        idleInTransactionTimeoutSeconds: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS,
      },
    });
    holder[KEY] = handle;
    // The circuit breaker's probe (availability.ts): PGlite lives in this process and cannot go away.
    if (handle.kind === "postgres") registerDatabaseProbe(() => handle.db.execute(sql`select 1`));
  }
  return holder[KEY];
}

/** Tests only: serve getDb() from another handle (e.g. through a TCP proxy the test cuts); returns the previous one. */
export function swapDbHandleForTests(handle: DbHandle | undefined): DbHandle | undefined {
  const holder = globalThis as Holder;
  const previous = holder[KEY];
  holder[KEY] = handle;
  if (handle?.kind === "postgres") registerDatabaseProbe(() => handle.db.execute(sql`select 1`));
  return previous;
}

export function getDb(): Database {
  return getDbHandle().db;
}

export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  const handle = holder[KEY];
  holder[KEY] = undefined;
  await handle?.close();
}

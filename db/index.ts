import "server-only";
import { env } from "@/lib/env";
import { openDatabase, type Database, type DbHandle } from "./client";

export type { Database } from "./client";
export { queryRows, rowsOf } from "./client";

// One instance per process, kept on globalThis so hot reload and the proxy's separate
// module graph share it (two PGlite instances on one directory lose writes).
const KEY = Symbol.for("chargekeep.db");
type Holder = { [KEY]?: DbHandle };

export function getDbHandle(): DbHandle {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const { DATABASE_URL, PGLITE_DIR } = env();
    holder[KEY] = openDatabase({ databaseUrl: DATABASE_URL, pgliteDir: PGLITE_DIR });
  }
  return holder[KEY];
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

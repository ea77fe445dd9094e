import { sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";

class Rollback extends Error {}

/**
 * Test helper: runs fn in a transaction with the append-only triggers disabled (what a database
 * owner could do), then rolls everything back, so a shared test database is never left tampered.
 */
export async function withTriggersDisabled<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await getDb().transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
      await tx.execute(sql`alter table audit_checkpoints disable trigger audit_checkpoints_append_only`);
      out = await fn(tx as unknown as Database);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return out as T;
}

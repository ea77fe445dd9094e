/**
 * Tests only: a private, migrated database for tests that rotate keys (on the shared test database
 * a rotation would pull keys from under the other workers). PGlite in memory by default, a scratch
 * database next to DATABASE_URL when set (dropped afterwards).
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { openDatabase, type Database, type DbHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { EncryptedColumnRegistry, encryptedColumns, guardName } from "@/lib/crypto/columns";
import { STORED_VALUE_SQL_PATTERN } from "@/lib/crypto/format";

export async function openScratchDatabase(opts: { migrate?: boolean } = {}): Promise<DbHandle & { dispose: () => Promise<void>; url: string | null }> {
  const migrate = opts.migrate ?? true;
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const handle = openDatabase({ pgliteDir: "memory://" });
    if (migrate) await runMigrations(handle);
    return { ...handle, url: null, dispose: handle.close };
  }
  const name = `ck_scratch_${process.pid}_${randomBytes(4).toString("hex")}`; // [a-z0-9_] only: safe as an identifier
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase({ databaseUrl: url.toString(), pgliteDir: "memory://" });
  if (migrate) await runMigrations(handle);
  return {
    ...handle,
    url: url.toString(),
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * A table with every kind of encrypted column (text, json, sealed) and a blind-index column,
 * registered in its own registry, apart from the app's. `create(db, "not_valid")` adds the guards
 * the way a migration that encrypts an existing table does.
 */
export function defineTestSecrets(name: string) {
  const columns = new EncryptedColumnRegistry();
  const enc = encryptedColumns(name, { registry: columns });
  const table = pgTable(
    name,
    {
      id: uuid("id").primaryKey(),
      label: enc.text("label").notNull(),
      settings: enc.json<{ n: number; tags: string[] }>("settings"),
      token: enc.sealed("token"),
      emailLookup: text("email_lookup"),
    },
    () => [...enc.checks()],
  );
  const addGuards = async (db: Database, notValid: boolean) => {
    for (const { column } of columns.list()) {
      await db.execute(
        sql.raw(`alter table ${name} add constraint ${guardName(name, column)} check (${column} ~ '${STORED_VALUE_SQL_PATTERN}')${notValid ? " not valid" : ""}`),
      );
    }
  };
  const create = async (db: Database, guards: "valid" | "not_valid" | "later" = "valid") => {
    await db.execute(sql.raw(`create table ${name} (id uuid primary key, label text not null, settings text, token text, email_lookup text)`));
    await db.execute(sql.raw(`create index ${name}_lookup_idx on ${name} (email_lookup)`));
    if (guards !== "later") await addGuards(db, guards === "not_valid");
  };
  return { table, columns: columns.list(), create, addGuards };
}

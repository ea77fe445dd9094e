import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { getDb, type Database } from "@/db";
import type { DbHandle } from "@/db/client";
import { MIGRATIONS_DIR } from "@/db/migrate";
import { installKeyring, kmsFromEnv, openKeyring, type Keyring } from "@/lib/crypto";
import { openScratchDatabase } from "@/tests/support/crypto";

class Rollback extends Error {}

/**
 * Test helper: runs fn in a transaction with the append-only triggers disabled (what a database
 * owner could do), then rolls everything back, so a shared test database is never left tampered.
 */
export async function withTriggersDisabled<T>(fn: (tx: Database) => Promise<T>, db: Database = getDb()): Promise<T> {
  let out: T | undefined;
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
      await tx.execute(sql`alter table audit_checkpoints disable trigger audit_checkpoints_append_only`);
      await tx.execute(sql`alter table audit_legacy_seals disable trigger audit_legacy_seals_append_only`);
      out = await fn(tx as unknown as Database);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return out as T;
}

export type AuditScratch = DbHandle & { keyring: Keyring; url: string | null; dispose: () => Promise<void> };

/**
 * Tests only: a private database with its own keyring installed for this process (tests that
 * rotate the audit key, compare the whole database with anchors, or roll it back must not see or
 * touch the other test files' chains). `upTo` stops the migrations after that tag, so a test can
 * write rows the way an older version did and then migrate; the keyring is then opened by
 * `finish()`. dispose() puts the previous keyring back.
 */
export async function openAuditScratch(opts: { upTo?: string } = {}): Promise<AuditScratch & { finish: () => Promise<void> }> {
  const handle = await openScratchDatabase({ migrate: !opts.upTo });
  if (opts.upTo) await migrateUpTo(handle, opts.upTo);
  let uninstall = () => {};
  const scratch = {
    ...handle,
    keyring: undefined as unknown as Keyring,
    finish: async () => {
      if (opts.upTo) await migrateUpTo(handle, null);
      scratch.keyring = await openKeyring(handle.db, kmsFromEnv(), { create: true });
      uninstall = installKeyring(scratch.keyring);
    },
    dispose: async () => {
      uninstall();
      await handle.dispose();
    },
  };
  if (!opts.upTo) await scratch.finish();
  return scratch;
}

/** Applies the committed migrations up to and including `tag` (null: all of them). */
async function migrateUpTo(handle: DbHandle, tag: string | null): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "ck-migrations-"));
  try {
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const journalPath = path.join(dir, "meta", "_journal.json");
     
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    if (tag) {
      const at = journal.entries.findIndex((e) => e.tag === tag);
      if (at < 0) throw new Error(`no migration ${tag}`);
      journal.entries = journal.entries.slice(0, at + 1);
    }
     
    writeFileSync(journalPath, JSON.stringify(journal));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the driver-specific type is erased in Database
    if (handle.kind === "pglite") await migratePglite(handle.db as any, { migrationsFolder: dir });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- same as above
    else await migratePostgres(handle.db as any, { migrationsFolder: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

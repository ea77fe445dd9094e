import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db/client";
import { encryptedColumnRegistry, guardName, type EncryptedColumn } from "./columns";
import type { Keyring } from "./keyring";
import { byTable, rewriteRows } from "./rewrite";

/** Anything starting like a stored value is left alone: a damaged ciphertext must fail validation, not be re-encrypted. */
const LEGACY = "^ck[0-9]+[.]";
const LEGACY_RE = /^ck[0-9]+[.]/;

/** Each registered column's CHECK guard in the database: missing, added NOT VALID, or validated. */
export async function guardStates(db: Database, columns: EncryptedColumn[]): Promise<Map<string, "missing" | "not_valid" | "valid">> {
  const rows = rowsOf<{ name: string; valid: boolean }>(
    await db.execute(sql`
      select conname as name, convalidated as valid from pg_constraint
      where contype = 'c' and connamespace = current_schema()::regnamespace`),
  );
  const found = new Map(rows.map((r) => [r.name, r.valid]));
  return new Map(
    columns.map((c) => {
      const valid = found.get(guardName(c.table, c.column));
      return [`${c.table}.${c.column}`, valid === undefined ? "missing" : valid ? "valid" : "not_valid"];
    }),
  );
}

/**
 * Encrypting an existing column: its migration adds the CHECK guard NOT VALID (new writes are
 * checked at once), and this encrypts the rows written before, validates the guard and rewrites
 * the table (VACUUM FULL, so old plaintext row versions leave its files), after which this is one
 * catalog query per start. Values that look like a damaged ciphertext
 * ("ck<n>." prefix) are left alone and make the validation fail loudly rather than be re-encrypted.
 */
export async function encryptLegacyValues(
  db: Database,
  keyring: Keyring,
  columns: EncryptedColumn[] = encryptedColumnRegistry.list(),
  log: (line: string) => void = () => {},
): Promise<number> {
  const states = await guardStates(db, columns);
  let total = 0;
  // A row is checked against every guard of its table on UPDATE, so a table's columns go together.
  for (const cols of byTable(columns.filter((c) => states.get(`${c.table}.${c.column}`) === "not_valid"))) {
    const anyPlaintext = sql.join(
      cols.map((c) => sql`${sql.identifier(c.column)} !~ ${LEGACY}`),
      sql` or `,
    );
    const { rewritten } = await rewriteRows(
      db,
      cols,
      anyPlaintext,
      (c, value, rowId) => (LEGACY_RE.test(value) ? null : keyring.encrypt(value, { table: c.table, column: c.column, rowId: c.kind === "sealed" ? rowId : undefined })),
      { batchSize: 500 },
    );
    const table = sql.identifier(cols[0]!.table);
    for (const c of cols) {
      await db.execute(sql`alter table ${table} validate constraint ${sql.identifier(guardName(c.table, c.column))}`);
    }
    if (rewritten) {
      // UPDATE leaves the old (plaintext) row versions in the table's files until they are reused:
      // rewrite the table so no copy is left there. It locks the table while it runs (once).
      await db.execute(sql`vacuum full ${table}`);
      log(
        `  Encrypted ${rewritten} value(s) in ${cols[0]!.table} stored before its columns were encrypted, and rewrote the table ` +
          `(VACUUM FULL). Write-ahead log segments and backups taken before still hold the plaintext until they expire.`,
      );
    }
    total += rewritten;
  }
  return total;
}

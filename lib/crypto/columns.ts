/**
 * Drizzle column types for encrypted columns, and the registry of every such column (what key
 * rotation rewrites and keys:status counts).
 *
 *   const enc = encryptedColumns("contact_messages");
 *   export const contactMessages = pgTable("contact_messages", {
 *     id: uuid("id").primaryKey(),
 *     message: enc.text("message").notNull(),
 *   }, () => [...enc.checks()]);
 *
 * - enc.text / enc.json encrypt on write and decrypt on read; each value is bound to its table and
 *   column (a per-column HKDF subkey plus the names in the AAD), so a copy in another column fails.
 * - enc.sealed stores only values from seal() (lib/crypto), which also bind the row id: for the
 *   highest-value secrets (tokens), sealed and opened in the data-access function.
 * - enc.checks() adds a CHECK per column: a raw `sql` write of plaintext is refused by the database.
 *
 * Drizzle skips null (it passes through) and does not know the row, hence sealed columns. Never
 * compare an encrypted column with eq(): every encryption differs; use a blind index column.
 *
 * This file holds no keys and does not import "server-only" because the schema, and drizzle-kit
 * through it, imports it; the keys are found at run time (./slot).
 */
import { sql } from "drizzle-orm";
import { check, customType } from "drizzle-orm/pg-core";
import { PlaintextRefusedError } from "./errors";
import { assertIdentifier, looksEncrypted, STORED_VALUE_SQL_PATTERN } from "./format";
import { installedCipher, type ValueContext } from "./slot";

/** A string produced by seal(); a plain string does not type-check where a Sealed is expected. */
export type Sealed = string & { readonly __brand: "Sealed" };

export type EncryptedColumn = {
  table: string;
  column: string;
  /** text/json: bound to table and column; sealed: also to the row id in idColumn. */
  kind: "text" | "json" | "sealed";
  idColumn: string;
};

export class EncryptedColumnRegistry {
  #entries = new Map<string, EncryptedColumn>();

  add(entry: EncryptedColumn): void {
    const name = `${entry.table}.${entry.column}`;
    const existing = this.#entries.get(name);
    if (existing && (existing.kind !== entry.kind || existing.idColumn !== entry.idColumn)) {
      throw new Error(`Encrypted column ${name} is declared twice, differently`);
    }
    this.#entries.set(name, entry);
  }

  list(): EncryptedColumn[] {
    return [...this.#entries.values()];
  }
}

/** Filled as the schema modules load: every encrypted column of the app. */
export const encryptedColumnRegistry = new EncryptedColumnRegistry();

export function guardName(table: string, column: string): string {
  return `${table}_${column}_encrypted`;
}

export function encryptedColumns(table: string, options: { idColumn?: string; registry?: EncryptedColumnRegistry } = {}) {
  assertIdentifier("table", table);
  const idColumn = options.idColumn ?? "id";
  assertIdentifier("id column", idColumn);
  const registry = options.registry ?? encryptedColumnRegistry;
  const declared: string[] = [];

  const declare = (column: string, kind: EncryptedColumn["kind"]): ValueContext => {
    assertIdentifier("column", column);
    registry.add({ table, column, kind, idColumn });
    declared.push(column);
    return Object.freeze({ table, column });
  };

  return {
    text(column: string) {
      const ctx = declare(column, "text");
      return customType<{ data: string; driverData: string }>({
        dataType: () => "text",
        toDriver: (value) => installedCipher().encrypt(value, ctx),
        fromDriver: (stored) => installedCipher().decrypt(stored, ctx),
      })(column);
    },

    json<T>(column: string) {
      const ctx = declare(column, "json");
      return customType<{ data: T; driverData: string }>({
        dataType: () => "text",
        toDriver: (value) => installedCipher().encrypt(JSON.stringify(value), ctx),
        fromDriver: (stored) => JSON.parse(installedCipher().decrypt(stored, ctx)) as T,
      })(column);
    },

    sealed(column: string) {
      declare(column, "sealed");
      return customType<{ data: Sealed; driverData: string }>({
        dataType: () => "text",
        toDriver: (value) => {
          if (typeof value !== "string" || !looksEncrypted(value)) throw new PlaintextRefusedError(`${table}.${column}`);
          return value;
        },
        fromDriver: (stored) => stored as Sealed,
      })(column);
    },

    /** One CHECK per encrypted column declared above; spread into the table's extra config. */
    checks() {
      return declared.map((column) =>
        check(guardName(table, column), sql`${sql.identifier(column)} ~ ${sql.raw(`'${STORED_VALUE_SQL_PATTERN}'`)}`),
      );
    },
  };
}

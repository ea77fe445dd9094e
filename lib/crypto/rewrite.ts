import "server-only";
import { setImmediate } from "node:timers/promises";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "@/db/client";
import type { EncryptedColumn } from "./columns";
import { STORED_VALUE_SQL_PATTERN } from "./format";

/** Shared by a batch job's columns: a budget of batches and a stop signal (simulated or real kills). */
export type BatchControl = {
  batchSize: number;
  signal?: AbortSignal;
  /** Batches left before the job stops as if killed (tests); unlimited when absent. */
  batchesLeft?: number;
};

/** rewritten counts values (not rows). */
export type RewriteOutcome = { rewritten: number; finished: boolean };

const ID_CASTS: Record<string, string> = { uuid: "uuid", text: "text", varchar: "text", int4: "int4", int8: "int8" };

async function idCast(db: Database, col: EncryptedColumn): Promise<SQL> {
  const [row] = rowsOf<{ udt: string }>(
    await db.execute(sql`
      select udt_name as udt from information_schema.columns
      where table_schema = current_schema() and table_name = ${col.table} and column_name = ${col.idColumn}`),
  );
  const cast = row ? ID_CASTS[row.udt] : undefined;
  if (!cast) throw new Error(`Encrypted column ${col.table}.${col.column}: its id column "${col.idColumn}" is missing or of an unsupported type`);
  return sql.raw(cast);
}

/** The registered columns grouped by table (a table's columns are rewritten together). */
export function byTable(columns: EncryptedColumn[]): EncryptedColumn[][] {
  const groups = new Map<string, EncryptedColumn[]>();
  for (const c of columns) groups.set(c.table, [...(groups.get(c.table) ?? []), c]);
  for (const [table, cols] of groups) {
    if (new Set(cols.map((c) => c.idColumn)).size > 1) throw new Error(`Encrypted columns of ${table} name different id columns`);
  }
  return [...groups.values()];
}

/**
 * Rewrites, in id order and in batches, the rows of one table that match `where`: `transform`
 * gives each column's new stored value, or null to leave it. Each batch is one UPDATE (atomic: a
 * kill mid-batch rolls it back) that only touches a row still at the version read (xmin), so an
 * application write in between is never overwritten; that row is picked up by the next pass.
 * Progress lives in the data itself, so a re-run simply continues. Old values are never sent back
 * as parameters (they may be plaintext, and failed queries end up in logs).
 */
export async function rewriteRows(
  db: Database,
  cols: EncryptedColumn[],
  where: SQL,
  transform: (col: EncryptedColumn, stored: string, rowId: string) => string | null,
  control: BatchControl,
): Promise<RewriteOutcome> {
  const first = cols[0]!;
  const table = sql.identifier(first.table);
  const id = sql.identifier(first.idColumn);
  const cast = await idCast(db, first);
  const selected = sql.join(
    cols.map((c, i) => sql`${sql.identifier(c.column)} as ${sql.identifier(`v${i}`)}`),
    sql`, `,
  );
  const assignments = sql.join(
    cols.map((c, i) => sql`${sql.identifier(c.column)} = coalesce(v.${sql.identifier(`n${i}`)}, t.${sql.identifier(c.column)})`),
    sql`, `,
  );
  const valueNames = sql.raw(["id", "version", ...cols.map((_, i) => `n${i}`)].join(", "));
  let rewritten = 0;
  let last: string | null = null;
  for (;;) {
    if (control.signal?.aborted || control.batchesLeft === 0) return { rewritten, finished: false };
    const after: SQL = last === null ? sql`` : sql`and ${id} > ${last}::${cast}`;
    const rows: Array<Record<string, string | null>> = rowsOf(
      await db.execute(sql`
        select ${id}::text as id, xmin::text as version, ${selected} from ${table}
        where (${where}) ${after}
        order by ${id} limit ${control.batchSize}`),
    );
    if (rows.length === 0) return { rewritten, finished: true };
    last = rows[rows.length - 1]!.id!;
    const values: SQL[] = [];
    const changed = new Map<string, number>();
    for (const row of rows) {
      const rowId = row.id!;
      const next = cols.map((c, i) => {
        const stored = row[`v${i}`];
        if (stored === null || stored === undefined) return null;
        try {
          return transform(c, stored, rowId);
        } catch (e) {
          throw new Error(`Stopped at ${c.table}.${c.column} row ${rowId}: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
      const count = next.filter((v) => v !== null).length;
      if (count === 0) continue;
      changed.set(rowId, count);
      values.push(sql`(${rowId}, ${row.version}, ${sql.join(next.map((v) => sql`${v}`), sql`, `)})`);
    }
    if (values.length) {
      const updated = rowsOf<{ id: string }>(
        await db.execute(sql`
          update ${table} as t set ${assignments}
          from (values ${sql.join(values, sql`, `)}) as v(${valueNames})
          where t.${id} = v.id::${cast} and t.xmin = v.version::xid
          returning t.${id}::text as id`),
      );
      for (const u of updated) rewritten += changed.get(u.id) ?? 0;
    }
    if (control.batchesLeft !== undefined) control.batchesLeft--;
    await setImmediate(); // let other queries of this process in between batches (PGlite runs one at a time)
  }
}

/** SQL: the value is in the stored format (any key). */
export function isStoredValue(col: EncryptedColumn): SQL {
  return sql`${sql.identifier(col.column)} ~ ${STORED_VALUE_SQL_PATTERN}`;
}

/** SQL: the key id field of the stored value, as text. */
export function keyIdField(col: EncryptedColumn): SQL {
  return sql`split_part(${sql.identifier(col.column)}, '.', 2)`;
}

/** Values per key id in each column; keyId null counts values not (yet) encrypted. */
export async function countValuesByKey(
  db: Database,
  columns: EncryptedColumn[],
): Promise<Array<{ table: string; column: string; keyId: number | null; values: number }>> {
  const out: Array<{ table: string; column: string; keyId: number | null; values: number }> = [];
  for (const col of columns) {
    const rows = rowsOf<{ key_id: string | null; n: number }>(
      await db.execute(sql`
        select case when ${isStoredValue(col)} then ${keyIdField(col)} end as key_id, count(*)::int as n
        from ${sql.identifier(col.table)} where ${sql.identifier(col.column)} is not null group by 1`),
    );
    for (const r of rows) out.push({ table: col.table, column: col.column, keyId: r.key_id === null ? null : Number(r.key_id), values: Number(r.n) });
  }
  return out;
}

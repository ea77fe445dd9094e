import "server-only";
import type { TableStat } from "./manifest";

/** Runs one SQL text and returns its rows (postgres.js, PGlite or a transaction of either). */
export type RunSql = (text: string) => Promise<Record<string, unknown>[]>;

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/**
 * Row count and a content checksum of every table, in the caller's snapshot. The checksum is the
 * sum of the first 60 bits of each row's md5 (of its text form, with UTC timestamps): independent
 * of row order, computed in constant memory, and equal after a dump and restore exactly when the
 * rows are (up to a collision nobody can steer: the manifest and data are authenticated anyway).
 */
export async function tableStats(run: RunSql): Promise<TableStat[]> {
  await run("set local timezone = 'UTC'");
  const tables = await run(`
    select n.nspname as schema, c.relname as table
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
    order by 1, 2`);
  const out: TableStat[] = [];
  for (const t of tables) {
    const schema = String(t.schema);
    const table = String(t.table);
    const [row] = await run(
      `select count(*)::text as rows, coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint::numeric), 0)::text as checksum
       from ${quote(schema)}.${quote(table)} t`,
    );
    out.push({ schema, table, rows: Number(row!.rows), checksum: String(row!.checksum) });
  }
  return out;
}

export type StatDifference = { table: string; expected: string; actual: string };

/** Every table whose rows or checksum differ, and tables present on one side only. */
export function compareStats(expected: TableStat[], actual: TableStat[]): StatDifference[] {
  const key = (t: TableStat) => `${t.schema}.${t.table}`;
  const found = new Map(actual.map((t) => [key(t), t]));
  const diffs: StatDifference[] = [];
  for (const e of expected) {
    const a = found.get(key(e));
    found.delete(key(e));
    if (!a) diffs.push({ table: key(e), expected: `${e.rows} rows`, actual: "missing" });
    else if (a.rows !== e.rows || a.checksum !== e.checksum) diffs.push({ table: key(e), expected: `${e.rows} rows, checksum ${e.checksum}`, actual: `${a.rows} rows, checksum ${a.checksum}` });
  }
  for (const a of found.values()) diffs.push({ table: key(a), expected: "absent", actual: `${a.rows} rows` });
  return diffs;
}

import "server-only";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import type postgres from "postgres";
import type { DbHandle } from "@/db";

/** What pg-boss needs from a database: one call, its own SQL text with $n parameters. */
export type SqlExecutor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> };

/**
 * pg-boss hands objects over as JSON and leaves encoding to the `pg` driver; postgres.js would send
 * an untyped object as "[object Object]", so plain objects become JSON text here (the SQL casts).
 */
function encode(value: unknown): unknown {
  if (value === undefined) return null;
  if (value && typeof value === "object" && !(value instanceof Date) && !Array.isArray(value) && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

type PgResult = { rows: Record<string, unknown>[]; affectedRows?: number };

function pgliteExecutor(client: Pick<PGlite | Transaction, "query" | "exec">): SqlExecutor {
  return {
    async executeSql(text, values) {
      // pg-boss sends its migrations as one multi-statement text without parameters.
      if (!values?.length) {
        const results = (await client.exec(text).catch(async (e: unknown) => {
          if ("transaction" in client) await client.exec("rollback").catch(() => {}); // as for PostgreSQL below
          throw e;
        })) as PgResult[];
        const last = results.at(-1) ?? { rows: [] };
        return { rows: last.rows, rowCount: last.affectedRows ?? last.rows.length };
      }
      const r = (await client.query(text, values.map(encode))) as PgResult;
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  };
}

function postgresExecutor(client: postgres.Sql | postgres.TransactionSql): SqlExecutor {
  return {
    async executeSql(text, values) {
      let result: unknown;
      if (!values?.length && "reserve" in client) {
        // pg-boss's migrations are one text with several statements wrapped in BEGIN/COMMIT: run on a
        // connection of their own (postgres.js refuses a bare BEGIN on a pooled one); no parameters
        // means the simple protocol, which takes several statements.
        const reserved = await client.reserve();
        try {
          result = await reserved.unsafe(text);
        } catch (e) {
          // A failed statement leaves the text's own BEGIN open and aborted (pg-boss expects that when two
          // instances install its schema at once): end it before the connection goes back to the pool.
          await reserved.unsafe("rollback").catch(() => {});
          throw e;
        } finally {
          reserved.release();
        }
      } else {
        result = await client.unsafe(text, (values ?? []).map(encode) as postgres.ParameterOrJSON<never>[]);
      }
      const rows = Array.isArray(result) ? (Array.from(result) as Record<string, unknown>[]) : [];
      return { rows, rowCount: (result as { count?: number }).count ?? rows.length };
    },
  };
}

/** The driver client under drizzle's wrapper (drizzle keeps it as `$client`). */
function rawClient(handle: DbHandle): unknown {
  return (handle.db as unknown as { $client: unknown }).$client;
}

/** pg-boss runs on the app's own connections: one pool, one TLS setting, the same timeouts. */
export function executorFor(handle: DbHandle): SqlExecutor {
  const client = rawClient(handle);
  return handle.kind === "pglite" ? pgliteExecutor(client as PGlite) : postgresExecutor(client as postgres.Sql);
}

/** Runs `fn` in one transaction on the app's database, handing it an executor bound to that transaction. */
export async function inTransaction<T>(handle: DbHandle, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  const client = rawClient(handle);
  if (handle.kind === "pglite") return (client as PGlite).transaction((tx) => fn(pgliteExecutor(tx)));
  return (await (client as postgres.Sql).begin((tx) => fn(postgresExecutor(tx)))) as T;
}

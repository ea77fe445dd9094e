import "server-only";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { SQL } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { guardPool } from "./pool-guard";
import * as schema from "./schema";

/** Extensions the migrations create (pg_trgm: transaction search). Every PGlite opened on our data needs them. */
export const PGLITE_EXTENSIONS = { pg_trgm };

/** Both drivers expose the same query builder; code is written once against this type. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Hot-path raw queries as named prepared statements (postgres.js): parsed and planned once per
 * connection instead of on every request. Drizzle's execute() never prepares. Attached to the root
 * database object only; transactions fall back to execute().
 */
export type PreparedRunner = { $prepared?: <T>(query: SQL) => Promise<T[]> };
const dialect = new PgDialect();

export type DbHandle = {
  db: Database;
  kind: "pglite" | "postgres";
  close: () => Promise<void>;
};

/** PostgreSQL pool limits (lib/env documents each; README "When the database goes away"). */
export type PoolConfig = {
  max: number;
  connectTimeoutSeconds: number;
  queueTimeoutSeconds: number;
  /** 0: none. */
  statementTimeoutSeconds: number;
  /** 0: never. */
  idleInTransactionTimeoutSeconds: number;
};

export const DEFAULT_POOL: PoolConfig = { max: 10, connectTimeoutSeconds: 3, queueTimeoutSeconds: 20, statementTimeoutSeconds: 10, idleInTransactionTimeoutSeconds: 30 };

export type DbConfig = { databaseUrl?: string; pgliteDir: string; pool?: Partial<PoolConfig> };

/**
 * postgres.js waits before reconnecting a connection that failed, growing with every failure in the
 * pool (3^n / 100 s, up to 20 s): after a three-second restart the app stayed down for most of a
 * minute. Ours grows from 50 ms and stays under half a second.
 */
export const reconnectBackoffSeconds = (failures: number) => Math.min(0.05 * 2 ** failures, 0.5);

const LOCK_FILE = "chargekeep.lock";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * PGlite has no cross-process locking: two processes on one directory silently lose writes.
 * Hold a pid lock file for as long as this process has the directory open.
 */
function acquirePgliteLock(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${pid} (probably the running app). ` +
          `Stop it first, or run this against DATABASE_URL.`,
      );
    }
  }
  writeFileSync(file, String(process.pid));
  const release = () => {
    try {
      if (existsSync(file) && readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      /* the directory may already be gone */
    }
  };
  process.once("exit", release);
  return release;
}

/**
 * TLS to the database: managed Postgres (Heroku, most clouds) accepts only TLS, and a production
 * connection over a network should never be plain nor trust any certificate. `DATABASE_SSL` decides
 * (verify-full | require | disable); unset, production validates the server's certificate and name
 * (verify-full) unless the URL says `sslmode` or points at this machine. `DATABASE_SSL_CA_FILE`
 * (PEM) makes the certificate check trust that CA only: an internal or provider CA (V12.3.4).
 * `require` (TLS without validation) is an explicit opt-out for hosts whose certificates no CA
 * signs, such as Heroku Postgres (app.json sets it there).
 */
export type DatabaseSsl = false | "require" | "verify-full" | { ca: string; rejectUnauthorized: true } | undefined;

export function sslFor(
  url: string,
  setting = process.env.DATABASE_SSL,
  production = process.env.NODE_ENV === "production",
  caFile = process.env.DATABASE_SSL_CA_FILE,
): DatabaseSsl {
  if (caFile) {
    if (setting && setting !== "verify-full") throw new Error(`DATABASE_SSL_CA_FILE needs DATABASE_SSL=verify-full (or unset), not "${setting}".`);
    return { ca: readFileSync(caFile, "utf8"), rejectUnauthorized: true };
  }
  if (setting === "disable") return false;
  if (setting === "require") return "require";
  if (setting === "verify-full") return "verify-full";
  if (setting) throw new Error(`DATABASE_SSL must be verify-full, require or disable, not "${setting}".`);
  const parsed = new URL(url);
  if (parsed.searchParams.has("sslmode")) return undefined; // postgres.js reads it from the URL
  const local = ["localhost", "127.0.0.1", "::1", "[::1]", ""].includes(parsed.hostname);
  return production && !local ? "verify-full" : undefined;
}

export function openDatabase(config: DbConfig): DbHandle {
  if (config.databaseUrl) {
    const pool = { ...DEFAULT_POOL, ...config.pool };
    const client = postgres(config.databaseUrl, {
      max: pool.max,
      ssl: sslFor(config.databaseUrl),
      onnotice: () => {},
      connect_timeout: pool.connectTimeoutSeconds,
      backoff: reconnectBackoffSeconds,
      // Startup parameters: every connection has them from its first statement. Strings, because
      // postgres.js leaves out falsy values and "0" (off) must still override a role's default.
      connection: {
        statement_timeout: String(pool.statementTimeoutSeconds * 1000),
        idle_in_transaction_session_timeout: String(pool.idleInTransactionTimeoutSeconds * 1000),
      } as Record<string, string> as postgres.Options<Record<string, never>>["connection"],
    });
    guardPool(client, { limit: pool.max, waitMs: pool.queueTimeoutSeconds * 1000 });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    const $prepared = async <T>(query: SQL) => {
      const q = dialect.sqlToQuery(query);
      return (await client.unsafe(q.sql, q.params as never[], { prepare: true })) as unknown as T[];
    };
    Object.defineProperty(db, "$prepared", { value: $prepared, enumerable: false, writable: true, configurable: true });
    return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const inMemory = config.pgliteDir === "memory://";
  let release = () => {};
  if (!inMemory) {
    mkdirSync(config.pgliteDir, { recursive: true });
    release = acquirePgliteLock(config.pgliteDir);
  }
  const client = inMemory ? new PGlite({ extensions: PGLITE_EXTENSIONS }) : new PGlite(config.pgliteDir, { extensions: PGLITE_EXTENSIONS });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    close: async () => {
      await client.close();
      release();
    },
  };
}

/** Runs a raw query, prepared where the driver supports it (see PreparedRunner). */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const run = (db as Database & PreparedRunner).$prepared;
  return run ? run<T>(query) : rowsOf<T>(await db.execute(query));
}

/** Raw `db.execute` results differ by driver: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

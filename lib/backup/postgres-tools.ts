import "server-only";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import postgres from "postgres";
import { sslFor } from "@/db/client";
import type { TableStat } from "./manifest";
import { tableStats } from "./table-stats";

const run = promisify(execFile);

export class BackupToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupToolError";
  }
}

/** Connection settings for pg_dump/pg_restore in their environment, so no password is on a command line. */
function pgEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const ssl = sslFor(url);
  return {
    NODE_ENV: process.env.NODE_ENV,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PGHOST: u.hostname.replace(/^\[|\]$/g, "") || "localhost",
    PGPORT: u.port || "5432",
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    PGSSLMODE: u.searchParams.get("sslmode") ?? (ssl === "verify-full" || typeof ssl === "object" ? "verify-full" : ssl === "require" ? "require" : ssl === false ? "disable" : "prefer"),
    // verify-full against the configured CA only; without one, the CAs Node trusts (libpq 15 has no "system" store).
    PGSSLROOTCERT: typeof ssl === "object" ? process.env.DATABASE_SSL_CA_FILE : ssl === "verify-full" ? nodeRootCaFile() : undefined,
    PGCONNECT_TIMEOUT: "10",
  };
}

/** Node's built-in root CAs as a PEM file for libpq, written once per process (public certificates only). */
let rootCaFile: string | undefined;
function nodeRootCaFile(): string {
  if (!rootCaFile) {
    const file = path.join(tmpdir(), `chargekeep-root-cas-${process.pid}.pem`);
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own name in the temp directory
    writeFileSync(file, tls.rootCertificates.join("\n"), { mode: 0o644 });
    rootCaFile = file;
  }
  return rootCaFile;
}

function client(url: string) {
  return postgres(url, { max: 1, ssl: sslFor(url), onnotice: () => {}, connect_timeout: 10 });
}

async function toolMajor(tool: "pg_dump" | "pg_restore"): Promise<number> {
  try {
    const { stdout } = await run(tool, ["--version"]);
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    if (!m) throw new Error(stdout.trim());
    return Number(m[1]);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new BackupToolError(
      missing
        ? `${tool} was not found on the PATH. Install the PostgreSQL client tools of the server's major version (e.g. apt-get install postgresql-client-15).`
        : `${tool} --version failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Refuses unless pg_dump and pg_restore on the PATH are of the server's major version. */
export async function assertToolsMatch(serverMajor: number): Promise<void> {
  for (const tool of ["pg_dump", "pg_restore"] as const) {
    const found = await toolMajor(tool);
    if (found !== serverMajor) {
      throw new BackupToolError(`${tool} on the PATH is PostgreSQL ${found}, but the server is PostgreSQL ${serverMajor}: install the client tools of version ${serverMajor} (or put them first on the PATH).`);
    }
  }
}

/** The server's version, after checking pg_dump and pg_restore are of that same major. */
export async function checkPgTools(url: string): Promise<string> {
  const sql = client(url);
  try {
    const [row] = await sql.unsafe("select current_setting('server_version') as v, current_setting('server_version_num')::int / 10000 as major");
    await assertToolsMatch(Number(row!.major));
    return String(row!.v);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function waitFor(child: ChildProcess, tool: string, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", (e) => reject(new BackupToolError(`${tool} could not start: ${e.message}`)));
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new BackupToolError(`${tool} failed (${signal ?? `exit ${code}`}): ${stderr().trim().slice(-2000) || "no message"}`));
    });
  });
}

function collect(stream: Readable | null): () => string {
  let text = "";
  stream?.setEncoding("utf8").on("data", (d: string) => {
    if (text.length < 20_000) text += d;
  });
  return () => text;
}

export type PostgresDump = { stream: Readable; tables: TableStat[]; serverVersion: string; finished: Promise<void> };

/**
 * pg_dump (custom format, uncompressed: gzip comes next in the pipeline) of the snapshot exported
 * by a REPEATABLE READ transaction that also counted every table, so the counts in the manifest
 * describe exactly the rows in the dump however many writes go on meanwhile.
 */
export async function dumpPostgres(url: string): Promise<PostgresDump> {
  const serverVersion = await checkPgTools(url);
  const sql = client(url);
  const conn = await sql.reserve();
  const end = async (ok: boolean) => {
    await conn.unsafe(ok ? "commit" : "rollback").catch(() => {});
    conn.release();
    await sql.end({ timeout: 5 });
  };
  let tables: TableStat[];
  let snapshot: string;
  try {
    await conn.unsafe("begin isolation level repeatable read read only");
    const [row] = await conn.unsafe("select pg_export_snapshot() as s");
    snapshot = String(row!.s);
    tables = await tableStats((text) => conn.unsafe(text) as Promise<Record<string, unknown>[]>);
  } catch (e) {
    await end(false);
    throw e;
  }
  const child = spawn("pg_dump", ["--format=custom", "--compress=0", `--snapshot=${snapshot}`, "--no-password"], { env: pgEnv(url), stdio: ["ignore", "pipe", "pipe"] });
  const stderr = collect(child.stderr);
  const finished = waitFor(child, "pg_dump", stderr).then(
    () => end(true),
    async (e: unknown) => {
      await end(false);
      throw e;
    },
  );
  return { stream: child.stdout!, tables, serverVersion, finished };
}

/**
 * pg_restore from a stream, in ONE transaction: it lands whole or not at all. `clean` drops the
 * objects the backup holds first (restoring over an existing database).
 */
export async function restorePostgres(url: string, input: Readable, options: { clean: boolean }): Promise<void> {
  const args = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", "--no-password", "--dbname", pgEnv(url).PGDATABASE!];
  if (options.clean) args.push("--clean", "--if-exists");
  const child = spawn("pg_restore", args, { env: pgEnv(url), stdio: ["pipe", "ignore", "pipe"] });
  const stderr = collect(child.stderr);
  const done = waitFor(child, "pg_restore", stderr);
  let failed: Error | null = null;
  input.once("error", (e) => {
    failed = e; // a chunk that does not verify: stop pg_restore, its transaction rolls back
    child.kill();
  });
  child.stdin!.on("error", () => {}); // pg_restore quitting early surfaces through its exit code
  input.pipe(child.stdin!);
  try {
    await done;
  } catch (e) {
    throw failed ?? e;
  }
  if (failed) throw failed;
}

/** Names of user tables in the database: none means empty (safe to restore into without --yes). */
export async function userTableCount(url: string): Promise<number> {
  const sql = client(url);
  try {
    const [row] = await sql.unsafe(
      "select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p') and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg\\_%'",
    );
    return Number(row!.n);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Statistics of a whole database, in one snapshot. */
export async function postgresStats(url: string): Promise<TableStat[]> {
  const sql = client(url);
  try {
    return await sql.begin("isolation level repeatable read read only", (tx) => tableStats((text) => tx.unsafe(text) as Promise<Record<string, unknown>[]>));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A temporary database on the same server (needs CREATEDB), dropped by the returned function. */
export async function scratchPostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ck_verify_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`; // [a-z0-9_] only
  const admin = client(url);
  try {
    // CREATE DATABASE copies template1 and fails while another one is being created (55006): retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}"`);
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== "55006" || attempt >= 10) throw e;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  } catch (e) {
    await admin.end({ timeout: 5 });
    throw new BackupToolError(`could not create the scratch database for verification (${e instanceof Error ? e.message : String(e)}): the role needs CREATEDB.`);
  }
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end({ timeout: 5 });
    },
  };
}

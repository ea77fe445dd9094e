import "server-only";
import { Readable } from "node:stream";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "@/db/client";
import type { TableStat } from "./manifest";
import { tableStats } from "./table-stats";

export type PgliteDump = { stream: Readable; tables: TableStat[]; serverVersion: string; finished: Promise<void> };

/**
 * PGlite's own dump: a tar of its data directory, taken inside a transaction that first counts
 * every table. PGlite runs one query at a time and `transaction()` holds its transaction lock, so
 * no write lands between the counts and the dump. dumpDataDir builds the whole tar in memory
 * (PGlite cannot stream it); from there on the pipeline streams as for Postgres.
 */
export async function dumpPglite(client: PGlite): Promise<PgliteDump> {
  const { tables, blob, serverVersion } = await client.transaction(async (tx) => {
    const run = async (text: string) => (await tx.query<Record<string, unknown>>(text)).rows;
    const [version] = await run("select current_setting('server_version') as v");
    const stats = await tableStats(run);
    return { tables: stats, blob: await client.dumpDataDir("none"), serverVersion: `${String(version!.v)} (PGlite)` };
  });
  return { stream: Readable.fromWeb(blob.stream() as never), tables, serverVersion, finished: Promise.resolve() };
}

/** Loads a data-directory tar into a new PGlite at `dir` (a fresh directory, or memory when undefined). */
export async function loadPglite(tar: Blob, dir?: string): Promise<PGlite> {
  const client = new PGlite(dir, { loadDataDir: tar, extensions: PGLITE_EXTENSIONS });
  await client.waitReady;
  return client;
}

export async function pgliteStats(client: PGlite): Promise<TableStat[]> {
  return client.transaction((tx) => tableStats(async (text) => (await tx.query<Record<string, unknown>>(text)).rows));
}

import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import type { DbHandle } from "@/db/client";
import { env } from "@/lib/env";

/** The database being backed up (or restored into): a Postgres URL, or the process's PGlite. */
export type BackupSource = { kind: "postgres"; url: string } | { kind: "pglite"; client: PGlite; dir: string | null };

export function sourceOf(handle: Pick<DbHandle, "db" | "kind">, databaseUrl: string | undefined = env().DATABASE_URL): BackupSource {
  if (handle.kind === "postgres") {
    if (!databaseUrl) throw new Error("The database is PostgreSQL but DATABASE_URL is not set.");
    return { kind: "postgres", url: databaseUrl };
  }
  const client = (handle.db as unknown as { $client: PGlite }).$client;
  const dir = env().PGLITE_DIR;
  return { kind: "pglite", client, dir: dir === "memory://" ? null : dir };
}

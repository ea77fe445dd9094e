/**
 * `npm run restore -- [<backup name>] [--from <target>] [--target-url <postgres url>] [--yes]`:
 * restores a backup (default: the newest complete one) from any target (or the one named). The
 * copy is checked whole first (manifest seal, SHA-256, every chunk's tag): a tampered or partial
 * backup is refused and nothing is touched. Postgres: into DATABASE_URL (or --target-url), in one
 * transaction. PGlite: into PGLITE_DIR, the previous directory kept beside it. A database that is
 * not empty is only overwritten with --yes. Stop the app first. Prints a progress line while it works.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import nextEnv from "@next/env";
import { z } from "zod";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { env } = await import("../lib/env");
const { describeProgress, restoreBackup } = await import("../lib/backup");
const { progressLine } = await import("./progress-line");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();

const USAGE = "Usage: npm run restore -- [<backup name>] [--from <target location>] [--target-url <postgres://…>] [--yes]";
const args = process.argv.slice(2);
const valueOf = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
};
const optionsSchema = z.object({
  name: z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/, "a backup name looks like 20261124T101500Z-3f9a (see npm run backup:list)").optional(),
  from: z.string().min(1).optional(),
  targetUrl: z.url().refine((u) => /^postgres(ql)?:\/\//.test(u), "--target-url must be a postgres:// URL").optional(),
});
const flagValues = new Set(["--from", "--target-url"].map(valueOf));
const parsed = optionsSchema.safeParse({
  name: args.find((a) => !a.startsWith("-") && !flagValues.has(a)),
  from: valueOf("--from"),
  targetUrl: valueOf("--target-url"),
});
if (!parsed.success) {
  console.error(`${parsed.error.issues.map((i) => i.message).join("; ")}\n${USAGE}`);
  process.exit(2);
}

/** The app's pid lock (db/client.ts), read without opening PGlite (which would create a database). */
function refuseWhileHeld(dir: string): void {
  const lock = path.join(dir, "chargekeep.lock");
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, "utf8").trim());
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = pid > 0 && pid !== process.pid;
  } catch {
    alive = false;
  }
  if (alive) throw new Error(`The embedded database in ${dir} is in use by process ${pid} (probably the running app). Stop it first.`);
}

try {
  const { DATABASE_URL, PGLITE_DIR } = env();
  const url = parsed.data.targetUrl ?? DATABASE_URL;
  if (!url && PGLITE_DIR === "memory://") throw new Error("PGLITE_DIR is memory://: there is no directory to restore into.");
  if (!url) refuseWhileHeld(PGLITE_DIR);
  const into = url ? ({ kind: "postgres", url } as const) : ({ kind: "pglite", dir: PGLITE_DIR } as const);
  console.log(`Restoring ${parsed.data.name ?? "the newest backup"} into ${url ? "the PostgreSQL database" : PGLITE_DIR}...`);
  const line = progressLine(describeProgress);
  const result = await restoreBackup(into, { trigger: "cli", name: parsed.data.name, from: parsed.data.from, yes: args.includes("--yes"), onProgress: line.onProgress, loadRestoredKeyring: true }).finally(line.end);
  for (const t of result.tables) console.log(`${String(t.rows).padStart(10)}  ${t.schema}.${t.table}`);
  console.log(`\nRestored ${result.name} from ${result.location}: ${result.tables.length} tables, ${result.rows} rows, every count and checksum as in its manifest. backup.restored recorded.`);
  if (result.replacedDir) console.log(`The previous data directory is kept at ${result.replacedDir}; remove it when you are satisfied.`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

/**
 * Issue 21: the initial sync of many connections spread over worker processes (`npm run worker`,
 * pg-boss) against one. BENCH_WORKERS_CONNECTIONS connections (default 100), each to the sandbox
 * bank's large account of BENCH_WORKERS_TRANSACTIONS transactions (default 10,000), are enqueued at
 * once (enqueueDueSyncs) and worked by 1, then 2 worker processes, each on a fresh scratch database.
 * Throughput = transactions stored per second until the last connection is synced; peak memory =
 * each worker's VmHWM (peak RSS) from /proc. Needs BENCH_DATABASE_URL (PostgreSQL: workers are
 * separate processes); the sandbox bank runs in this process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { withScratchDatabase } from "./lib/scratch-db";
import { round, table } from "./lib/stats";

const CONNECTIONS = Number(process.env.BENCH_WORKERS_CONNECTIONS ?? 100);
const TRANSACTIONS = Number(process.env.BENCH_WORKERS_TRANSACTIONS ?? 10_000);
const ACCOUNT = "nw-chk-9001";

type Run = { workers: number; seconds: number; transactions: number; perSecond: number; peakRssMiB: number[] };

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? round(Number(m[1]) / 1024, 0) : 0;
}

async function runWith(workers: number, adminUrl: string): Promise<Run> {
  return withScratchDatabase(adminUrl, async (url) => {
    const schema = `pgboss_bench_${process.pid}`;
    Object.assign(process.env, { DATABASE_URL: url, JOBS_SCHEMA: schema });
    process.env.MASTER_KEY ??= Buffer.alloc(32, "chargekeep-bench-master-key").toString("base64");
    const { resetEnvCache } = await import("../lib/env");
    resetEnvCache();
    const { closeDb, getDbHandle } = await import("../db");
    const { runMigrations } = await import("../db/migrate");
    const { loadKeyring } = await import("../lib/crypto");
    const { organizations } = await import("../db/schema");
    const { bankConnections } = await import("../db/schema/banking");
    const { isNull, sql } = await import("drizzle-orm");
    const { enqueueDueSyncs } = await import("../lib/sync");
    const { stopBoss } = await import("../lib/jobs");
    const { connectSandbox } = await import("../tests/support/sync");
    const { startTestBank } = await import("../tests/support/sandbox-browser");
    const handle = getDbHandle();
    await runMigrations(handle);
    await loadKeyring(handle.db);
    const sandbox = await startTestBank({ largeTransactions: TRANSACTIONS });
    const children: ChildProcess[] = [];
    try {
      const bank = sandbox.institutions[0]!;
      const [org] = await handle.db.insert(organizations).values({ name: `Bench workers ${workers}` }).returning({ id: organizations.id });
      for (let i = 0; i < CONNECTIONS; i++) await connectSandbox(handle.db, bank, org!.id, { email: "large@northwind.example", password: "northwind-large", accounts: [ACCOUNT] });
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", APP_URL: "http://localhost:3000", DATABASE_URL: url, DATABASE_SSL: "disable", JOBS_SCHEMA: schema, MASTER_KEY: process.env.MASTER_KEY!, BANK_SYNC_SCHEDULER: "off", WEBHOOK_WORKER: "off" };
      for (let w = 0; w < workers; w++) {
        const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/server-only-hook.mjs", "scripts/worker.ts"], { env, stdio: ["ignore", "pipe", "inherit"] });
        await new Promise<void>((resolve, reject) => {
          child.stdout!.on("data", (d: Buffer) => d.toString().includes("worker running") && resolve());
          child.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
        });
        children.push(child);
      }
      const started = performance.now();
      const queued = await enqueueDueSyncs({ limit: CONNECTIONS });
      if (queued.queued !== CONNECTIONS) throw new Error(`queued ${queued.queued} of ${CONNECTIONS}`);
      const deadline = Date.now() + 30 * 60_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error("the workers did not finish within 30 minutes");
        const [failed] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(bankConnections).where(sql`${bankConnections.status} = 'error'`);
        if (failed?.n) throw new Error(`${failed.n} connection(s) failed to sync (see the workers' log)`);
        const [left] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(bankConnections).where(isNull(bankConnections.lastSyncedAt));
        if (!left?.n) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const seconds = (performance.now() - started) / 1000;
      const [stored = 0] = rowsOfCount(await handle.db.execute(sql`select count(*)::int as n from bank_transactions`));
      const peaks = children.map((c) => peakRssMiB(c.pid!));
      return { workers, seconds: round(seconds, 1), transactions: stored, perSecond: round(stored / seconds, 0), peakRssMiB: peaks };
    } finally {
      for (const c of children) c.kill("SIGTERM");
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
      await sandbox.close();
      await stopBoss();
      await closeDb();
    }
  });
}

function rowsOfCount(result: unknown): number[] {
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return (rows as { n: number }[]).map((r) => Number(r.n));
}

export async function runSyncWorkersBench(): Promise<BenchOutcome> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) throw new Error("sync-workers needs BENCH_DATABASE_URL (PostgreSQL): worker processes cannot share an embedded PGlite.");
  const runs: Run[] = [];
  for (const workers of [1, 2]) runs.push(await runWith(workers, adminUrl));
  console.log(
    table(
      ["workers", "seconds", "transactions", "transactions/s", "peak RSS per worker (MiB)"],
      runs.map((r) => [String(r.workers), String(r.seconds), String(r.transactions), String(r.perSecond), r.peakRssMiB.join(", ")]),
    ),
  );
  // Both runs must store the same rows (the bank's account holds its pending rows too, so not exactly N x T).
  const ok = runs[0]!.transactions > 0 && runs.every((r) => r.transactions === runs[0]!.transactions);
  const jsonPath = writeResult("bench-sync-workers.json", { machine: machineInfo(), connections: CONNECTIONS, transactionsPerConnection: TRANSACTIONS, runs });
  const speedup = round(runs[1]!.perSecond / runs[0]!.perSecond, 2);
  return { name: "sync-workers", ok, summary: `${CONNECTIONS} x ${TRANSACTIONS}: 1 worker ${runs[0]!.perSecond}/s, 2 workers ${runs[1]!.perSecond}/s (x${speedup})`, jsonPath };
}

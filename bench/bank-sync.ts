/**
 * Bank sync (issue 9, part 3): lib/sync against the sandbox bank on loopback.
 * 1. Initial sync of the large account (large@northwind.example, BENCH_SYNC_TRANSACTIONS, default
 *    100,000 transactions, pages of 1,000): wall time (target < 20 s on PostgreSQL), rows checked
 *    against the bank's own count.
 * 2. Incremental sync after 1,000 new transactions (/__sandbox/transactions/add).
 * 3. Memory: peak RSS and heap above the baseline while syncing 10,000 vs 100,000 transactions (the
 *    sync streams page by page, so the peak must not grow with the history). Heap is measured
 *    after a forced GC every 10 pages (what the sync retains); RSS is sampled every 25 ms. The
 *    sandbox bank runs in this process; its ledger is built before the baseline, so not counted.
 *
 * Database: a scratch database through BENCH_DATABASE_URL (or DATABASE_URL's server), dropped
 * afterwards; neither set: PGlite in .test-output/bench-bank-sync-pglite (its memory is in-process).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { OUTPUT_DIR } from "./lib/app-server";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { withScratchDatabase } from "./lib/scratch-db";
import { round, table } from "./lib/stats";

const LARGE = Number(process.env.BENCH_SYNC_TRANSACTIONS ?? 100_000);
const SMALL = 10_000;
const ADDED = 1_000;
const TARGET_SECONDS = 20;
const ACCOUNT = "nw-chk-9001";
const MiB = 2 ** 20;
/** Forced collections measure what the sync keeps (retained heap), not garbage awaiting the next GC. */
const GC_EVERY_PAGES = 10;

function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

type Phase = { transactions: number; rows: number; bankRows: number; seconds: number; pages: number; peakRssDeltaMiB: number; peakRetainedHeapDeltaMiB: number; peakRssMiB: number; added: number };

async function measure(databaseUrl: string | undefined): Promise<BenchOutcome> {
  const pgliteDir = path.join(OUTPUT_DIR, "bench-bank-sync-pglite");
  if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
  else {
    delete process.env.DATABASE_URL;
    rmSync(pgliteDir, { recursive: true, force: true });
  }
  Object.assign(process.env, { PGLITE_DIR: pgliteDir, MAIL_OUTBOX_DIR: path.join(OUTPUT_DIR, "bench-outbox-bank-sync") });
  process.env.MASTER_KEY ??= Buffer.alloc(32, "chargekeep-bench-master-key").toString("base64");
  const { resetEnvCache } = await import("../lib/env");
  resetEnvCache();
  const { getDbHandle, closeDb } = await import("../db");
  const { runMigrations } = await import("../db/migrate");
  const { loadKeyring } = await import("../lib/crypto");
  const { eq, sql } = await import("drizzle-orm");
  const { organizations } = await import("../db/schema");
  const { bankAccounts, bankTransactions } = await import("../db/schema/banking");
  const { syncConnection } = await import("../lib/sync");
  const { connectSandbox } = await import("../tests/support/sync");
  const { startTestBank, admin } = await import("../tests/support/sandbox-browser");

  const gc = exposeGc();
  const handle = getDbHandle();
  const db = handle.db;
  await runMigrations(handle);
  await loadKeyring(db);

  const count = async (connectionId: string) => {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(bankTransactions)
      .innerJoin(bankAccounts, eq(bankAccounts.id, bankTransactions.accountId))
      .where(eq(bankAccounts.connectionId, connectionId));
    return row?.n ?? 0;
  };

  async function phase(transactions: number, withIncremental: boolean): Promise<{ initial: Phase; incremental?: { seconds: number; added: number; rows: number; bankRows: number } }> {
    const sandbox = await startTestBank({ largeTransactions: transactions });
    try {
      const bank = sandbox.institutions[0]!;
      const [org] = await db.insert(organizations).values({ name: `Bench sync ${transactions}` }).returning({ id: organizations.id });
      const conn = await connectSandbox(db, bank, org!.id, { email: "large@northwind.example", password: "northwind-large", accounts: [ACCOUNT] });
      const bankRows = bank.ledger.transactions(ACCOUNT).length; // builds the bank's ledger before the baseline
      gc();
      const base = process.memoryUsage();
      let peakRss = base.rss;
      let peakRetained = base.heapUsed;
      const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 25);
      let pages = 0;
      const started = performance.now();
      const result = await syncConnection(db, conn.connectionId, "initial", {
        ...conn.deps,
        onPageCommitted: (info) => {
          pages = info.pages;
          if (pages % GC_EVERY_PAGES === 0) {
            gc();
            peakRetained = Math.max(peakRetained, process.memoryUsage().heapUsed);
          }
        },
      });
      const seconds = (performance.now() - started) / 1000;
      clearInterval(timer);
      if (result.status !== "succeeded") throw new Error(`initial sync ${result.status}`);
      const initial: Phase = {
        transactions,
        rows: await count(conn.connectionId),
        bankRows,
        seconds: round(seconds, 2),
        pages,
        added: result.added,
        peakRssDeltaMiB: round((peakRss - base.rss) / MiB, 1),
        peakRetainedHeapDeltaMiB: round((peakRetained - base.heapUsed) / MiB, 1),
        peakRssMiB: round(peakRss / MiB, 0),
      };
      if (!withIncremental) return { initial };
      const res = await admin(bank, "/transactions/add", { accountId: ACCOUNT, count: ADDED });
      if (!res.ok) throw new Error(`transactions/add answered ${res.status}`);
      const t0 = performance.now();
      const inc = await syncConnection(db, conn.connectionId, "scheduled", conn.deps);
      const incSeconds = (performance.now() - t0) / 1000;
      if (inc.status !== "succeeded") throw new Error(`incremental sync ${inc.status}`);
      return { initial, incremental: { seconds: round(incSeconds, 2), added: inc.added, rows: await count(conn.connectionId), bankRows: bank.ledger.transactions(ACCOUNT).length } };
    } finally {
      await sandbox.close();
    }
  }

  try {
    const small = await phase(SMALL, false);
    const large = await phase(LARGE, true);
    const inc = large.incremental!;
    const exact = small.initial.rows === small.initial.bankRows && large.initial.rows === large.initial.bankRows && inc.rows === inc.bankRows && inc.added === ADDED;
    const result = {
      benchmark: "bank-sync",
      date: new Date().toISOString(),
      machine: machineInfo(),
      database: handle.kind,
      pageSize: 1000,
      initial: { small: small.initial, large: large.initial, targetSeconds: TARGET_SECONDS },
      incremental: { ...inc, newTransactions: ADDED },
      rowsMatchBank: exact,
    };
    const jsonPath = writeResult("bench-bank-sync.json", result);
    const rate = (p: Phase) => Math.round(p.rows / p.seconds);
    const summary = [
      `Bank sync against the sandbox bank on loopback (${handle.kind})`,
      table(
        ["run", "transactions", "seconds", "rows/s", "pages", "peak RSS above baseline MiB", "retained heap above baseline MiB (after GC)"],
        [
          ["initial", small.initial.rows, small.initial.seconds, rate(small.initial), small.initial.pages, small.initial.peakRssDeltaMiB, small.initial.peakRetainedHeapDeltaMiB],
          ["initial", large.initial.rows, large.initial.seconds, rate(large.initial), large.initial.pages, large.initial.peakRssDeltaMiB, large.initial.peakRetainedHeapDeltaMiB],
          [`incremental (+${ADDED})`, inc.added, inc.seconds, "", "", "", ""],
        ],
      ),
      `initial ${large.initial.rows.toLocaleString("en")} in ${large.initial.seconds} s (target < ${TARGET_SECONDS} s on PostgreSQL); rows equal the bank's: ${exact ? "yes" : "NO"}`,
    ].join("\n");
    return { name: "bank-sync", ok: exact, summary, jsonPath };
  } finally {
    await closeDb();
  }
}

export async function runBankSyncBench(): Promise<BenchOutcome> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
  return adminUrl ? withScratchDatabase(adminUrl, (url) => measure(url)) : measure(undefined);
}

// `tsx --conditions=react-server bench/bank-sync.ts` runs it alone.
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  runBankSyncBench().then(
    (r) => {
      console.log(r.summary);
      process.exit(r.ok ? 0 : 1);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

/**
 * Backups (issue 10, part 8): backup and restore throughput (MB/s of the database dump) with
 * 100,000 and then 1,000,000 bank transactions (inserted with generate_series into
 * bank_transactions and its parents), and the peak RSS of this process during each, above its
 * level just before: it must stay flat as the database grows (pg_dump and pg_restore run as child
 * processes; this process only streams gzip + AES-GCM through fixed-size buffers).
 *
 * Needs PostgreSQL: BENCH_DATABASE_URL (or DATABASE_URL) of a role that may CREATE DATABASE; two
 * scratch databases (source and restore target) are created and dropped. PGlite's dump is built
 * in memory by PGlite itself (docs/backups.md), so it is not what this measures.
 * BENCH_BACKUP_ROWS=100000,1000000 overrides the sizes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { withScratchDatabase } from "./lib/scratch-db";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { round, table } from "./lib/stats";

const SIZES = (process.env.BENCH_BACKUP_ROWS ?? "100000,1000000").split(",").map(Number);

type Row = { transactions: number; dumpMB: number; encryptedMB: number; backupS: number; backupMBs: number; restoreS: number; restoreMBs: number; backupPeakRssMB: number; restorePeakRssMB: number };

/** Runs fn while sampling RSS every 20 ms; returns its result, seconds, and the peak above the start. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakMB: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, peakMB: (peak - base) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

export async function runBackupBench(): Promise<BenchOutcome> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminUrl) return { name: "backup", ok: false, summary: "needs BENCH_DATABASE_URL (PostgreSQL, a role with CREATEDB)", jsonPath: "" };
  const { openDatabase } = await import("@/db/client");
  const { runMigrations } = await import("@/db/migrate");
  const { loadKeyring } = await import("@/lib/crypto");
  const { createOrganizationWithOwner } = await import("@/lib/rbac/setup");
  const { users, bankAccounts } = await import("@/db/schema");
  const { createBackup, restoreBackup } = await import("@/lib/backup");
  const { fileStore } = await import("@/lib/storage");

  const dir = mkdtempSync(path.join(tmpdir(), "ck-bench-backup-"));
  const rows: Row[] = [];
  try {
    await withScratchDatabase(adminUrl, async (url) => {
      const handle = openDatabase({ databaseUrl: url, pgliteDir: "" });
      try {
        await runMigrations(handle);
        await loadKeyring(handle.db);
        const db = handle.db;
        const [user] = await db.insert(users).values({ email: `bench-${Date.now()}@example.test`, name: "Bench", passwordHash: "x" }).returning();
        const orgId = await createOrganizationWithOwner(db, { name: "Backup bench", userId: user!.id });
        const [account] = await db.insert(bankAccounts).values({ organizationId: orgId, source: "import", externalId: "bench", name: "Bench account", currency: "USD" }).returning();
        // Warm-up (discarded): module loading, zlib and OpenSSL set-up, postgres.js connections.
        const warmTargets = [fileStore(path.join(dir, "warm"))];
        const warm = await createBackup(db, { kind: "postgres", url }, { trigger: "cli", targets: warmTargets });
        await withScratchDatabase(adminUrl, (target) => restoreBackup({ kind: "postgres", url: target }, { trigger: "cli", name: warm.name, yes: false, targets: warmTargets }));
        let have = 0;
        for (const size of SIZES) {
          for (let from = have + 1; from <= size; from += 250_000) {
            const to = Math.min(size, from + 249_999);
            await db.execute(sql`
              insert into bank_transactions (id, organization_id, account_id, external_id, status, booked_on, amount_minor, currency, description, merchant, source)
              select gen_random_uuid(), ${orgId}::uuid, ${account!.id}::uuid, 'bench-' || g, 'posted', date '2026-01-01' - (g % 700), (g::bigint * 7919) % 200000 - 100000, 'USD',
                     'Card payment ' || md5(g::text), 'Merchant ' || (g % 500), 'import'
              from generate_series(${from}::int, ${to}::int) g`);
          }
          have = size;
          await db.execute(sql`vacuum analyze bank_transactions`);
          const targets = [fileStore(path.join(dir, `a-${size}`)), fileStore(path.join(dir, `b-${size}`))];
          const backup = await measured(() => createBackup(db, { kind: "postgres", url }, { trigger: "cli", targets }));
          if (backup.value.status !== "succeeded") throw new Error(`backup ${backup.value.status}: ${backup.value.error ?? JSON.stringify(backup.value.targets)}`);
          const restore = await withScratchDatabase(adminUrl, (target) =>
            measured(() => restoreBackup({ kind: "postgres", url: target }, { trigger: "cli", name: backup.value.name, yes: false, targets })),
          );
          const dumpMB = backup.value.dumpBytes / 1e6;
          rows.push({
            transactions: size,
            dumpMB: round(dumpMB, 1),
            encryptedMB: round(backup.value.bytes / 1e6, 1),
            backupS: round(backup.seconds, 2),
            backupMBs: round(dumpMB / backup.seconds, 1),
            restoreS: round(restore.seconds, 2),
            restoreMBs: round(dumpMB / restore.seconds, 1),
            backupPeakRssMB: round(backup.peakMB, 1),
            restorePeakRssMB: round(restore.peakMB, 1),
          });
          const r = rows.at(-1)!;
          console.log(table(Object.keys(r), [Object.values(r)]));
        }
      } finally {
        await handle.close();
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const flat = last.backupPeakRssMB <= Math.max(64, first.backupPeakRssMB * 1.5) && last.restorePeakRssMB <= Math.max(64, first.restorePeakRssMB * 1.5);
  const jsonPath = writeResult("bench-backup.json", { machine: machineInfo(), rows, memoryFlat: flat });
  return {
    name: "backup",
    ok: true,
    summary:
      `${last.transactions.toLocaleString("en")} tx: backup ${last.backupMBs} MB/s, restore ${last.restoreMBs} MB/s (dump ${last.dumpMB} MB); ` +
      `peak RSS above start ${first.backupPeakRssMB}→${last.backupPeakRssMB} MB (backup), ${first.restorePeakRssMB}→${last.restorePeakRssMB} MB (restore): ${flat ? "flat" : "NOT flat"}`,
    jsonPath,
  };
}

/**
 * The reports' read costs (issue 9, part 5): the dashboard's queries and the transaction table at
 * BENCH_REPORTS_ROWS (default 1,000,000) transactions in ONE organization, plus 2 x 100,000 rows of
 * two other organizations, on PostgreSQL. p50/p95 over BENCH_REPORTS_RUNS runs each (default 40),
 * with the dashboard's default range (the last 12 months). Target: p95 < 150 ms for each query.
 *
 * Database: DATABASE_URL when set (Postgres): the database `chargekeep_bench_reports` on the same
 * server (created when missing, kept between runs so the rows are inserted once; set
 * BENCH_REPORTS_FRESH=1 to recreate it, `dropdb chargekeep_bench_reports` to remove it).
 * Else PGlite in .test-output/bench-reports-pglite (slow: set BENCH_REPORTS_ROWS lower there).
 * Rows are generated in SQL with generate_series, 100,000 per statement.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { OUTPUT_DIR } from "./lib/app-server";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { percentile, round, table } from "./lib/stats";

const BENCH_DB = "chargekeep_bench_reports";
const BENCH_ORG = "00000000-0000-4000-8000-0000000ae901";
const OTHER_ORGS = ["00000000-0000-4000-8000-0000000ae902", "00000000-0000-4000-8000-0000000ae903"];
const ROWS = Number(process.env.BENCH_REPORTS_ROWS ?? 1_000_000);
const OTHER_ROWS = Math.max(1, Math.floor(ROWS / 10));
const RUNS = Number(process.env.BENCH_REPORTS_RUNS ?? 40);
const TARGET_P95_MS = 150;
/** Three years of history ending on this day. */
const LAST_DAY = "2026-11-24";
const DAYS = 1096;

async function benchDatabaseUrl(databaseUrl: string): Promise<string> {
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10, idle_timeout: 5 });
  try {
    if (process.env.BENCH_REPORTS_FRESH === "1") await admin.unsafe(`drop database if exists "${BENCH_DB}" with (force)`);
    const [exists] = await admin`select 1 as one from pg_database where datname = ${BENCH_DB}`;
    if (!exists) await admin.unsafe(`create database "${BENCH_DB}"`);
  } catch (e) {
    throw new Error(`could not create database ${BENCH_DB} through DATABASE_URL (${e instanceof Error ? e.message : String(e)}); the role needs CREATEDB`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${BENCH_DB}`;
  return url.toString();
}

type Timing = { label: string; p50: number; p95: number; rows: number };

export async function runReportsBench(): Promise<BenchOutcome> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const pgliteDir = path.join(OUTPUT_DIR, "bench-reports-pglite");
  const url = databaseUrl ? await benchDatabaseUrl(databaseUrl) : undefined;
  if (!url) rmSync(pgliteDir, { recursive: true, force: true });
  if (url) process.env.DATABASE_URL = url;
  else delete process.env.DATABASE_URL;
  Object.assign(process.env, { PGLITE_DIR: pgliteDir, MAIL_OUTBOX_DIR: path.join(OUTPUT_DIR, "bench-outbox-reports") });
  const { resetEnvCache } = await import("../lib/env");
  resetEnvCache();
  const { getDbHandle, closeDb, rowsOf } = await import("../db");
  const { runMigrations } = await import("../db/migrate");
  const { sql } = await import("drizzle-orm");
  const reports = await import("../lib/reports");

  const handle = getDbHandle();
  const db = handle.db;
  try {
    try {
      await runMigrations(handle);
    } catch (e) {
      throw new Error(`migrating ${url ? BENCH_DB : "the PGlite bench directory"} failed (${e instanceof Error ? e.message : String(e)}); after a schema change run again with BENCH_REPORTS_FRESH=1`);
    }

    // ---- data, once per database ----------------------------------------------------------------
    const insertStart = performance.now();
    const seedOrg = async (org: string, rows: number) => {
      const [have] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::bigint as n from bank_transactions where organization_id = ${org}`));
      if (Number(have?.n ?? 0) >= rows) return;
      console.log(`inserting ${rows.toLocaleString("en")} transactions for ${org} (once per database)...`);
      await db.execute(sql`delete from organizations where id = ${org}`);
      await db.execute(sql`insert into organizations (id, name) values (${org}, ${`Bench ${org.slice(-4)}`})`);
      // 6 accounts (4 USD, 2 EUR), 12 categories, 197 merchants
      await db.execute(sql`
        insert into bank_accounts (id, organization_id, source, external_id, name, type, currency, mask, current_balance_minor, available_balance_minor)
        select gen_random_uuid(), ${org}::uuid, 'import', 'bench-' || a, 'Account ' || a, 'checking', case when a <= 4 then 'USD' else 'EUR' end, lpad(a::text, 4, '0'), 1000000 * a, 990000 * a
        from generate_series(1, 6) a`);
      await db.execute(sql`
        insert into bank_categories (id, organization_id, name)
        select gen_random_uuid(), ${org}::uuid, c from unnest(array['Groceries','Dining','Travel','Utilities','Rent','Software','Office','Fuel','Insurance','Income','Transfer','Fees']) c`);
      for (let from = 1; from <= rows; from += 100_000) {
        const upto = Math.min(rows, from + 99_999);
        // Every 10th row is money in; the last 5 days are pending; dates spread evenly over 3 years.
        await db.execute(sql`
          with acc as (select array_agg(id order by name) ids, array_agg(currency order by name) cur from bank_accounts where organization_id = ${org}),
               cat as (select array_agg(id order by name) ids from bank_categories where organization_id = ${org})
          insert into bank_transactions (id, organization_id, account_id, external_id, status, booked_on, amount_minor, currency, description, merchant, category_id, source)
          select gen_random_uuid(), ${org}::uuid, acc.ids[1 + g % 6], 'b-' || g,
                 case when d > ${DAYS - 6}::int then 'pending' else 'posted' end,
                 (${LAST_DAY}::date - ${DAYS - 1}::int) + d::int,
                 case when g % 10 = 0 then 50000 + (g * 7) % 900000 else -(100 + (g * 13) % 25000) end,
                 acc.cur[1 + g % 6],
                 'Card purchase ' || (g % 1000) || ' at Merchant ' || (g % 197),
                 'Merchant ' || (g % 197),
                 cat.ids[1 + (g * 31) % 12], 'import'
          from generate_series(${from}::bigint, ${upto}::bigint) g, acc, cat,
               lateral (select ((g * 7919) % ${DAYS})::int as d) dd`);
        process.stdout.write(`  ${upto.toLocaleString("en")} / ${rows.toLocaleString("en")}\r`);
      }
    };
    await seedOrg(BENCH_ORG, ROWS);
    for (const org of OTHER_ORGS) await seedOrg(org, OTHER_ROWS);
    const insertSeconds = (performance.now() - insertStart) / 1000;
    await db.execute(sql`analyze bank_transactions`);
    await db.execute(sql`analyze bank_accounts`);

    // ---- queries -------------------------------------------------------------------------------
    const today = new Date(`${LAST_DAY}T12:00:00Z`);
    const twelveMonths = reports.withDefaultRange(reports.reportFilters(), today);
    const all = reports.reportFilters();
    const [mid] = rowsOf<{ b: string; i: string }>(
      await db.execute(sql`select booked_on::text as b, id::text as i from bank_transactions where organization_id = ${BENCH_ORG}
        order by booked_on desc nulls last, id desc nulls last offset ${Math.floor(ROWS / 2)} limit 1`),
    );
    const deepCursor = Buffer.from(JSON.stringify({ d: "older", b: mid!.b, i: mid!.i })).toString("base64url");

    const cases: { label: string; run: () => Promise<number> }[] = [
      { label: "total balances per currency", run: async () => (await reports.totalBalances(db, BENCH_ORG, all)).length },
      { label: "monthly cash flow, 12 months", run: async () => (await reports.monthlyCashFlow(db, BENCH_ORG, twelveMonths)).length },
      { label: "top 5 categories, 12 months", run: async () => (await reports.topCategories(db, BENCH_ORG, twelveMonths)).length },
      { label: "top 5 merchants, 12 months", run: async () => (await reports.topMerchants(db, BENCH_ORG, twelveMonths)).length },
      { label: "monthly cash flow, 1 month", run: async () => (await reports.monthlyCashFlow(db, BENCH_ORG, reports.reportFilters({ from: "2026-10-01", to: "2026-10-31" }))).length },
      { label: "transactions: first page", run: async () => (await reports.listTransactions(db, BENCH_ORG, all)).rows.length },
      { label: "transactions: page half-way (keyset)", run: async () => (await reports.listTransactions(db, BENCH_ORG, all, deepCursor)).rows.length },
      { label: "search 'merchant 42' (common)", run: async () => (await reports.listTransactions(db, BENCH_ORG, reports.reportFilters({ q: "merchant 42" }))).rows.length },
      { label: "search 'purchase 999 at' (1 in 1000)", run: async () => (await reports.listTransactions(db, BENCH_ORG, reports.reportFilters({ q: "purchase 999 at" }))).rows.length },
      { label: "search, no match (whole org scanned)", run: async () => (await reports.listTransactions(db, BENCH_ORG, reports.reportFilters({ q: "zzz-nothing" }))).rows.length },
    ];
    const timings: Timing[] = [];
    for (const c of cases) {
      let rows = 0;
      for (let i = 0; i < 3; i++) rows = await c.run(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await c.run();
        times.push(performance.now() - s);
      }
      timings.push({ label: c.label, p50: round(percentile(times, 50), 2), p95: round(percentile(times, 95), 2), rows });
      console.log(`  ${c.label}: p50 ${round(percentile(times, 50), 1)} ms, p95 ${round(percentile(times, 95), 1)} ms`);
    }

    const explain = async (q: ReturnType<typeof sql>) => rowsOf<Record<string, string>>(await db.execute(sql`explain (analyze, costs off, timing off, summary off) ${q}`)).map((r) => Object.values(r)[0]!);
    const plans = {
      firstPage: await explain(sql`select id from bank_transactions where organization_id = ${BENCH_ORG} order by booked_on desc nulls last, id desc nulls last limit 51`),
      monthly: await explain(
        sql`select to_char(booked_on, 'YYYY-MM'), currency, sum(amount_minor) from bank_transactions where organization_id = ${BENCH_ORG} and booked_on >= ${twelveMonths.from!} and booked_on <= ${twelveMonths.to!} group by 1, 2`,
      ),
    };
    const misses = timings.filter((x) => x.p95 >= TARGET_P95_MS);
    const result = {
      benchmark: "reports",
      date: new Date().toISOString(),
      machine: machineInfo(),
      database: handle.kind,
      organizationRows: ROWS,
      otherOrganizationsRows: OTHER_ROWS * OTHER_ORGS.length,
      insertSeconds: round(insertSeconds, 1),
      runs: RUNS,
      timings,
      targetP95Ms: TARGET_P95_MS,
      plans,
    };
    const jsonPath = writeResult("bench-reports.json", result);
    const summary = [
      `Reports (${handle.kind}${url ? `, database ${BENCH_DB}` : ""}), ${ROWS.toLocaleString("en")} transactions in one organization + ${(OTHER_ROWS * 2).toLocaleString("en")} in two others`,
      table(["query", "p50 ms", "p95 ms", "rows"], timings.map((x) => [x.label, x.p50, x.p95, x.rows])),
      `target p95 < ${TARGET_P95_MS} ms: ${misses.length ? `missed by ${misses.map((m) => m.label).join("; ")}` : "met by every query"}`,
      `first page plan: ${plans.firstPage.find((l) => /Index/.test(l))?.trim() ?? "NO INDEX"}`,
    ].join("\n");
    return { name: "reports", ok: true, summary, jsonPath };
  } finally {
    await closeDb();
  }
}

/**
 * The audit log's two costs (issue 7, part 7):
 * 1. Recording: events per second through recordAudit (the real path: catalogue check, metadata
 *    scan, chain-head row lock, SHA-256 chain, alert hook), sequentially, with 8 parallel writers
 *    on ONE organization (they queue on its chain head: the worst case) and with 8 writers on 8
 *    organizations. The contended chain is verified afterwards: parallel writers must not fork it.
 * 2. Reading: the admin log's page query (listAuditEvents, as the page calls it) at BENCH_AUDIT_ROWS
 *    (default 1,000,000) events of one organization: first page, a page deep in the log, and each
 *    filter. p50/p95 over 200 runs each, plus EXPLAIN of the keyset query to show the index used.
 *
 * Database: DATABASE_URL when set (Postgres), else PGlite in .test-output/bench-audit-pglite.
 * The audit table refuses DELETE and TRUNCATE, so the benchmark never writes into the database
 * DATABASE_URL names: on Postgres it uses the database `chargekeep_bench` on the same server
 * (created when missing, kept between runs so the 1M synthetic rows are inserted once; set
 * BENCH_AUDIT_FRESH=1 to drop and recreate it, and `dropdb chargekeep_bench` to remove it).
 * Synthetic rows are bulk-inserted with generate_series; their hashes are placeholders (the query
 * does not read them), so `npm run audit:verify` reports that database's bench chain as broken.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { OUTPUT_DIR } from "./lib/app-server";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { percentile, round, table } from "./lib/stats";

const BENCH_DB = "chargekeep_bench";
/** The organization that holds the synthetic rows; fixed so a kept database is reused. */
const BENCH_ORG = "00000000-0000-4000-8000-00000000a0d1";
const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const SEQUENTIAL_EVENTS = Number(process.env.BENCH_AUDIT_WRITES ?? 2_000);
const PARALLEL_EVENTS = SEQUENTIAL_EVENTS * 2;
const WRITERS = 8;
const QUERY_RUNS = 200;
const TARGET_EVENTS_PER_SECOND = 2_000;
const TARGET_P95_MS = 50;

/** The same server as DATABASE_URL, database chargekeep_bench (created when missing). */
async function benchDatabaseUrl(databaseUrl: string): Promise<string> {
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10, idle_timeout: 5 });
  try {
    if (process.env.BENCH_AUDIT_FRESH === "1") await admin.unsafe(`drop database if exists "${BENCH_DB}" with (force)`);
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

type Timing = { label: string; p50: number; p95: number; rows: number; indexed: boolean };

export async function runAuditBench(): Promise<BenchOutcome> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const pgliteDir = path.join(OUTPUT_DIR, "bench-audit-pglite");
  const url = databaseUrl ? await benchDatabaseUrl(databaseUrl) : undefined;
  if (!url) rmSync(pgliteDir, { recursive: true, force: true });

  // The app's modules (and the alert hook recordAudit calls) use getDb(): point it at the bench
  // database before anything opens it, so there is exactly one handle.
  if (url) process.env.DATABASE_URL = url;
  else delete process.env.DATABASE_URL;
  Object.assign(process.env, { PGLITE_DIR: pgliteDir, MAIL_OUTBOX_DIR: path.join(OUTPUT_DIR, "bench-outbox-audit") });
  process.env.DATABASE_POOL_MAX ??= String(WRITERS + 2);
  const { resetEnvCache } = await import("../lib/env");
  resetEnvCache();
  const { getDbHandle, closeDb, rowsOf } = await import("../db");
  const { runMigrations } = await import("../db/migrate");
  const { sql } = await import("drizzle-orm");
  const { recordAudit, verifyChains } = await import("../lib/audit");
  const { listAuditEvents, parseAuditFilters } = await import("../lib/audit");
  const { randomUUID } = await import("node:crypto");

  const handle = getDbHandle();
  const db = handle.db;
  try {
    try {
      await runMigrations(handle);
    } catch (e) {
      throw new Error(`migrating ${url ? BENCH_DB : "the PGlite bench directory"} failed (${e instanceof Error ? e.message : String(e)}); after a schema change run again with BENCH_AUDIT_FRESH=1`);
    }

    // ---- 1. recording -------------------------------------------------------------------------
    const event = (organizationId: string, i: number) => ({
      organizationId,
      actorUserId: randomUUID(),
      action: "member.role_changed" as const,
      result: "success" as const,
      targetType: "user",
      targetId: randomUUID(),
      ip: "203.0.113.7",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) bench",
      requestId: `bench-${i}`,
      metadata: { from: "member", to: "admin", i },
    });
    const warm = randomUUID();
    for (let i = 0; i < 100; i++) await recordAudit(db, event(warm, i));

    const seqOrg = randomUUID();
    const t = performance.now();
    for (let i = 0; i < SEQUENTIAL_EVENTS; i++) await recordAudit(db, event(seqOrg, i));
    const sequential = SEQUENTIAL_EVENTS / ((performance.now() - t) / 1000);

    const writeParallel = async (orgOf: (writer: number) => string) => {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          while (next < PARALLEL_EVENTS) await recordAudit(db, event(orgOf(w), next++));
        }),
      );
      return PARALLEL_EVENTS / ((performance.now() - start) / 1000);
    };
    const sharedOrg = randomUUID();
    const oneChain = await writeParallel(() => sharedOrg);
    const orgs = Array.from({ length: WRITERS }, () => randomUUID());
    const manyChains = await writeParallel((w) => orgs[w]!);
    const verified = await verifyChains(db, { chains: [sharedOrg, seqOrg] });
    console.log(
      `recording: sequential ${round(sequential, 0)}/s, ${WRITERS} writers one chain ${round(oneChain, 0)}/s, ${WRITERS} chains ${round(manyChains, 0)}/s; ` +
        `contended chain ${verified.ok ? "verifies" : "BROKEN"}`,
    );

    // ---- 2. reading at ROWS events ------------------------------------------------------------
    const [counted] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::bigint as n from audit_events where organization_id = ${BENCH_ORG}`));
    let have = Number(counted?.n ?? 0);
    const base = "2025-01-01T00:00:00Z";
    const actions = ["auth.sign_in", "auth.sign_in", "auth.sign_in", "auth.sign_out", "auth.sign_in_failed", "mfa.verified", "mfa.failed", "member.role_changed", "role.updated", "invitation.created", "keys.rotated", "audit.exported"];
    if (have < ROWS) console.log(`inserting ${ROWS - have} synthetic events for one organization (once per database)...`);
    const insertStart = performance.now();
    while (have < ROWS) {
      const upto = Math.min(ROWS, have + 100_000);
      // Three events per second (equal timestamps, as bursts have); 40 actors; most succeed,
      // 1 in 7 fails, 1 in 31 is denied; 10.x.y.1 addresses over 62,500 distinct values.
      await db.execute(sql`
        insert into audit_events (id, chain, seq, created_at, actor_user_id, organization_id, action, result,
          target_type, target_id, ip, user_agent, request_id, metadata, prev_hash, hash)
        select gen_random_uuid(), ${BENCH_ORG}, g, ${base}::timestamptz + (g / 3) * interval '1 second',
          ('00000000-0000-4000-8000-' || lpad((g % 40)::text, 12, '0'))::uuid, ${BENCH_ORG}::uuid,
          (string_to_array(${actions.join(",")}, ','))[1 + g % ${actions.length}],
          case when g % 31 = 0 then 'denied' when g % 7 = 0 then 'failure' else 'success' end,
          'user', (g % 97)::text, '10.' || (g % 250) || '.' || ((g / 250) % 250) || '.1',
          'Mozilla/5.0 (X11; Linux x86_64) bench', 'bench-' || g, jsonb_build_object('n', g), repeat('0', 64), repeat('0', 64)
        from generate_series(${have + 1}::bigint, ${upto}::bigint) as g`);
      have = upto;
      process.stdout.write(`  ${have.toLocaleString("en")} / ${ROWS.toLocaleString("en")}\r`);
    }
    const insertSeconds = (performance.now() - insertStart) / 1000;
    await db.execute(sql`analyze audit_events`);

    const ctx = { organization: { id: BENCH_ORG } };
    const filters = (raw: Record<string, string>) => {
      const p = parseAuditFilters(raw);
      if (!p.ok) throw new Error(`bench filter ${JSON.stringify(raw)}: ${JSON.stringify(p.fieldErrors)}`);
      return p.filters;
    };
    // A cursor half-way down the log (the setup may use OFFSET; the page query never does).
    const [mid] = rowsOf<{ t: string; s: string }>(
      await db.execute(sql`
        select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t, seq::text as s
        from audit_events where organization_id = ${BENCH_ORG} order by created_at desc nulls last, seq desc nulls last offset ${Math.floor(ROWS / 2)} limit 1`),
    );
    const deepCursor = Buffer.from(JSON.stringify({ d: "older", t: mid!.t, s: mid!.s })).toString("base64url");
    const midDay = mid!.t.slice(0, 10);

    const cases: { label: string; filters: Record<string, string>; cursor?: string; indexed?: boolean }[] = [
      { label: "first page, no filter", filters: {} },
      { label: "page half-way down (keyset)", filters: {}, cursor: deepCursor },
      { label: "who = one actor id", filters: { actor: "00000000-0000-4000-8000-000000000007" } },
      { label: "what = keys.rotated", filters: { action: "keys.rotated" } },
      { label: "what = every mfa.* event", filters: { action: "mfa." } },
      { label: "result = denied", filters: { result: "denied" } },
      { label: "IP exact", filters: { ip: "10.3.4.1" } },
      { label: "when = one day, mid-log", filters: { from: midDay, to: midDay } },
      { label: "combined: actor + failure + day", filters: { actor: "00000000-0000-4000-8000-000000000007", result: "failure", from: midDay, to: midDay } },
      { label: "IP range /16 (no index: scan)", filters: { ip: "10.3.0.0/16" }, indexed: false },
      { label: "IP exact, no match", filters: { ip: "192.0.2.1" } },
    ];
    const timings: Timing[] = [];
    for (const c of cases) {
      const f = filters(c.filters);
      let rows = 0;
      for (let i = 0; i < 20; i++) rows = (await listAuditEvents(db, ctx, f, c.cursor)).events.length; // warm-up
      const times: number[] = [];
      for (let i = 0; i < QUERY_RUNS; i++) {
        const s = performance.now();
        await listAuditEvents(db, ctx, f, c.cursor);
        times.push(performance.now() - s);
      }
      timings.push({ label: c.label, p50: round(percentile(times, 50), 2), p95: round(percentile(times, 95), 2), rows, indexed: c.indexed ?? true });
    }

    // The plan of the page query's core (the same WHERE/ORDER/LIMIT fetchAuditRows builds).
    const explain = async (where: ReturnType<typeof sql>) =>
      rowsOf<Record<string, string>>(
        await db.execute(sql`explain (analyze, costs off, timing off, summary off)
          select e.id from audit_events e left join users a on a.id = e.actor_user_id
          where e.organization_id = ${BENCH_ORG} and ${where}
          order by e.created_at desc nulls last, e.seq desc nulls last limit 51`),
      ).map((r) => Object.values(r)[0]!);
    const plans = {
      deepPage: await explain(sql`(e.created_at, e.seq) < (${mid!.t}::timestamptz, ${mid!.s}::bigint)`),
      byAction: await explain(sql`e.action = 'keys.rotated' and (e.created_at, e.seq) < (${mid!.t}::timestamptz, ${mid!.s}::bigint)`),
      byResult: await explain(sql`e.result = 'denied'`),
    };
    const indexOf = (plan: string[]) => plan.map((l) => /Index (?:Only )?Scan(?: Backward)? using (\w+)/.exec(l)?.[1]).find(Boolean) ?? "NO INDEX";

    const indexed = timings.filter((x) => x.indexed);
    const worstP95 = Math.max(...indexed.map((x) => x.p95));
    const result = {
      benchmark: "audit",
      date: new Date().toISOString(),
      machine: machineInfo(),
      database: handle.kind,
      recording: {
        sequentialPerSecond: round(sequential, 0),
        parallelOneChainPerSecond: round(oneChain, 0),
        parallelManyChainsPerSecond: round(manyChains, 0),
        writers: WRITERS,
        events: { sequential: SEQUENTIAL_EVENTS, parallel: PARALLEL_EVENTS },
        contendedChainVerifies: verified.ok,
        targetPerSecond: TARGET_EVENTS_PER_SECOND,
      },
      query: { organizationRows: ROWS, insertSeconds: round(insertSeconds, 1), runs: QUERY_RUNS, timings, worstIndexedP95Ms: worstP95, targetP95Ms: TARGET_P95_MS },
      plans,
    };
    const jsonPath = writeResult("bench-audit.json", result);
    const summary = [
      `Audit log (${handle.kind}${url ? `, database ${BENCH_DB}` : ""})`,
      table(
        ["recording through recordAudit (hash chain)", "events/s"],
        [
          ["sequential, one writer", result.recording.sequentialPerSecond],
          [`${WRITERS} parallel writers, one organization (one chain)`, result.recording.parallelOneChainPerSecond],
          [`${WRITERS} parallel writers, ${WRITERS} organizations`, result.recording.parallelManyChainsPerSecond],
        ],
      ),
      `contended chain after the parallel run: ${verified.ok ? "verifies" : "BROKEN"}; target >= ${TARGET_EVENTS_PER_SECOND}/s`,
      "",
      table(
        [`log page (50 rows) at ${ROWS.toLocaleString("en")} events of one organization`, "p50 ms", "p95 ms", "rows"],
        timings.map((x) => [x.label, x.p50, x.p95, x.rows]),
      ),
      `worst indexed p95 ${worstP95} ms (target < ${TARGET_P95_MS} ms); plans: deep page -> ${indexOf(plans.deepPage)}, action -> ${indexOf(plans.byAction)}, result -> ${indexOf(plans.byResult)}`,
    ].join("\n");
    return { name: "audit", ok: verified.ok, summary, jsonPath };
  } finally {
    await closeDb();
  }
}

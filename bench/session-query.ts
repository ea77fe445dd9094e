/**
 * The protected route's extra work, without HTTP: validateSessionToken() (the one-round-trip
 * session query) called directly against the same database the server would use.
 * - sequential: one call at a time -> the query's own latency
 * - concurrent: 50 in flight (like 50 connections) -> throughput of the database driver
 * Runs in this process: PGlite on a fresh directory under .test-output, or a scratch database
 * created through BENCH_DATABASE_URL.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { OUTPUT_DIR } from "./lib/app-server";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { withBenchDatabase } from "./lib/scratch-db";
import { percentile, round, table } from "./lib/stats";

const SEQUENTIAL_CALLS = 2_000;
const CONCURRENT_CALLS = 10_000;
const IN_FLIGHT = 50;

export async function runSessionQuery(): Promise<BenchOutcome> {
  return withBenchDatabase(measure);
}

async function measure(databaseUrl: string | undefined): Promise<BenchOutcome> {
  const pgliteDir = path.join(OUTPUT_DIR, "bench-pglite-direct");
  rmSync(pgliteDir, { recursive: true, force: true });

  // App modules read configuration through env(): point it at the benchmark's own database first.
  Object.assign(process.env, { PGLITE_DIR: pgliteDir, MAIL_OUTBOX_DIR: path.join(OUTPUT_DIR, "bench-outbox-direct") });
  const { openDatabase } = await import("../db/client");
  const { runMigrations } = await import("../db/migrate");
  const { seedDemo } = await import("../lib/demo");
  const { createSession } = await import("../lib/credentials");
  const { validateSessionToken } = await import("../lib/auth/session");
  const { users, memberships } = await import("../db/schema");
  const { eq } = await import("drizzle-orm");

  const handle = openDatabase({ databaseUrl, pgliteDir });
  try {
    await runMigrations(handle);
    const demo = (await seedDemo(handle.db, { cli: true })).created;
    if (!demo) throw new Error("the demo organization already exists in the benchmark database");
    const [user] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, demo.email));
    const [m] = await handle.db
      .select({ organizationId: memberships.organizationId })
      .from(memberships)
      .where(eq(memberships.userId, user!.id));
    const { token } = await createSession(handle.db, {
      userId: user!.id,
      organizationId: m!.organizationId,
      ip: null,
      userAgent: "bench",
    });
    if (!(await validateSessionToken(handle.db, token))) throw new Error("the fresh session does not validate");

    for (let i = 0; i < 200; i++) await validateSessionToken(handle.db, token); // warm-up (JIT, plan cache)

    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
      const s = performance.now();
      await validateSessionToken(handle.db, token);
      times.push(performance.now() - s);
    }
    const seqSeconds = (performance.now() - t0) / 1000;
    const seqCpu = process.cpuUsage(cpu0);

    let next = 0;
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next++ < CONCURRENT_CALLS) await validateSessionToken(handle.db, token);
      }),
    );
    const conSeconds = (performance.now() - t1) / 1000;
    const conCpu = process.cpuUsage(cpu1);

    const result = {
      benchmark: "session-query",
      date: new Date().toISOString(),
      machine: machineInfo(),
      database: handle.kind,
      sequential: {
        calls: SEQUENTIAL_CALLS,
        p50Ms: round(percentile(times, 50), 3),
        p99Ms: round(percentile(times, 99), 3),
        perSecond: round(SEQUENTIAL_CALLS / seqSeconds, 0),
        cpuMsPerCall: round((seqCpu.user + seqCpu.system) / 1000 / SEQUENTIAL_CALLS, 3),
      },
      concurrent: {
        calls: CONCURRENT_CALLS,
        inFlight: IN_FLIGHT,
        perSecond: round(CONCURRENT_CALLS / conSeconds, 0),
        cpuMsPerCall: round((conCpu.user + conCpu.system) / 1000 / CONCURRENT_CALLS, 3),
      },
    };
    const jsonPath = writeResult("bench-session.json", result);
    const summary = [
      `Session validation query alone (${handle.kind}, in-process, no HTTP)`,
      table(
        ["mode", "p50 ms", "p99 ms", "calls/s", "CPU ms/call"],
        [
          ["sequential", result.sequential.p50Ms, result.sequential.p99Ms, result.sequential.perSecond, result.sequential.cpuMsPerCall],
          [`${IN_FLIGHT} in flight`, "-", "-", result.concurrent.perSecond, result.concurrent.cpuMsPerCall],
        ],
      ),
    ].join("\n");
    return { name: "session", ok: true, summary, jsonPath };
  } finally {
    await handle.close();
  }
}

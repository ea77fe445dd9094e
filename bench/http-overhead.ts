/**
 * HTTP overhead of authentication: a bare route handler against a protected one, same server.
 * - bare:      GET /api/ping  proxy.ts + route wrapper, no session, no database
 * - protected: GET /api/me    proxy.ts + route wrapper + session validation (one database round trip)
 * Both go through the same proxy (CSP nonce, headers), so the difference is the session check.
 * Runs alternate (bare, protected, bare, protected, ...) so drift hits both; the median of the
 * rounds is reported. Target: protected p50 <= 1.15 x bare p50.
 */
import path from "node:path";
import { BENCH_DIST_DIR, ensureBuild, OUTPUT_DIR, signInDemo, startAppServer, type AppServer, type BuildInfo } from "./lib/app-server";
import { idleCheck } from "./lib/cpu";
import { benchLimitsEnv, BENCH_IP_MULTIPLIER, portFromEnv } from "./lib/limits";
import { assertAll2xx, runLoad, type LoadResult } from "./lib/load";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { withBenchDatabase } from "./lib/scratch-db";
import { median, round, table } from "./lib/stats";

export const TARGET_P50_RATIO = 1.15;
const PORT = portFromEnv(3200);

export type HttpOverheadOptions = {
  connections: number;
  durationS: number;
  warmupS: number;
  rounds: number;
  /** Write V8 CPU profiles of the server to .test-output/bench-prof/ (slows the server; numbers are then not comparable). */
  cpuProf: boolean;
};

function intFromEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export function defaultHttpOverheadOptions(): HttpOverheadOptions {
  return {
    connections: intFromEnv("BENCH_CONNECTIONS", 50),
    durationS: intFromEnv("BENCH_DURATION", 10),
    warmupS: intFromEnv("BENCH_WARMUP", 3),
    rounds: intFromEnv("BENCH_ROUNDS", 2),
    cpuProf: process.env.BENCH_CPU_PROF === "1",
  };
}

async function expectStatus(url: string, headers: Record<string, string>, status: number, check?: (body: unknown) => boolean) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== status) throw new Error(`GET ${url} answered ${res.status}, expected ${status}: ${text.slice(0, 200)}`);
  if (check && !check(JSON.parse(text))) throw new Error(`GET ${url} answered an unexpected body: ${text.slice(0, 200)}`);
}

/** Both routes must answer as expected before anything is measured (a 401 storm would look fast). */
async function verifyRoutes(server: AppServer, cookie: string) {
  await expectStatus(`${server.origin}/api/ping`, {}, 200, (b) => (b as { pong?: boolean }).pong === true);
  await expectStatus(`${server.origin}/api/me`, {}, 401);
  await expectStatus(
    `${server.origin}/api/me`,
    { cookie },
    200,
    (b) => (b as { user?: { email?: string } }).user?.email === server.demo.email,
  );
}

type Summary = { p50Ms: number; p99Ms: number; rps: number; serverCpuMsPerRequest: number | null };

function summarize(runs: LoadResult[]): Summary {
  const cpu = runs.map((r) => r.cpu?.serverCpuMsPerRequest).filter((v): v is number => v !== undefined);
  return {
    p50Ms: round(median(runs.map((r) => r.latencyMs.p50)), 3),
    p99Ms: round(median(runs.map((r) => r.latencyMs.p99)), 3),
    rps: round(median(runs.map((r) => r.rps)), 1),
    serverCpuMsPerRequest: cpu.length ? round(median(cpu), 3) : null,
  };
}

/** Above this many cores of other work, the numbers say more about the neighbours than the app. */
const BUSY_CORES = 0.25;
const UNLOADED_SECONDS = 5;

export async function runHttpOverhead(options: HttpOverheadOptions = defaultHttpOverheadOptions()): Promise<BenchOutcome> {
  const build = await ensureBuild();
  for (const w of build.warnings) console.warn(`bench: warning: ${w}`);
  return withBenchDatabase((databaseUrl) => measure(options, build, databaseUrl));
}

async function measure(options: HttpOverheadOptions, build: BuildInfo, databaseUrl: string | undefined): Promise<BenchOutcome> {
  const cpuProfDir = options.cpuProf ? path.join(OUTPUT_DIR, "bench-prof") : undefined;
  console.log(`bench: starting the app on http://localhost:${PORT} (${databaseUrl ? "scratch database on BENCH_DATABASE_URL" : "PGlite"})`);
  const bootStarted = performance.now();
  const server = await startAppServer({ port: PORT, databaseUrl, cpuProfDir, env: benchLimitsEnv("http") });
  const bootSeconds = (performance.now() - bootStarted) / 1000;

  const bare: LoadResult[] = [];
  const protectedRuns: LoadResult[] = [];
  let idleOtherCores: number | null = null;
  const unloaded: { bare?: LoadResult; protected?: LoadResult } = {};
  try {
    const cookie = await signInDemo(server);
    await verifyRoutes(server, cookie);
    const targets = {
      bare: { url: `${server.origin}/api/ping`, headers: {} as Record<string, string> },
      protected: { url: `${server.origin}/api/me`, headers: { cookie } },
    };

    idleOtherCores = await idleCheck();
    if (idleOtherCores !== null && idleOtherCores > BUSY_CORES) {
      console.warn(`bench: warning: the machine is busy with other work (${idleOtherCores} cores while idle): results will be noisy`);
    }
    console.log(`bench: warm-up ${options.warmupS} s per route`);
    for (const [name, t] of Object.entries(targets)) {
      assertAll2xx(`warm-up ${name}`, await runLoad({ ...t, connections: options.connections, durationS: options.warmupS, serverPgid: server.pid }));
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const [name, list] of [
        ["bare", bare],
        ["protected", protectedRuns],
      ] as const) {
        process.stdout.write(`bench: round ${round}/${options.rounds} ${name.padEnd(9)} ${options.durationS} s x ${options.connections} connections ... `);
        const r = await runLoad({ ...targets[name], connections: options.connections, durationS: options.durationS, serverPgid: server.pid });
        assertAll2xx(`round ${round} ${name}`, r);
        list.push(r);
        const cpu = r.cpu ? `; cores: server ${r.cpu.serverCores}, load gen ${r.cpu.loadGeneratorCores}, other ${r.cpu.otherCores}` : "";
        console.log(`p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, ${r.rps} req/s${cpu}`);
      }
    }
    // Unloaded latency: one connection, no queueing; what one request costs on its own.
    for (const name of ["bare", "protected"] as const) {
      unloaded[name] = await runLoad({ ...targets[name], connections: 1, durationS: UNLOADED_SECONDS, serverPgid: server.pid });
      assertAll2xx(`unloaded ${name}`, unloaded[name]);
    }
    console.log(`bench: unloaded (1 connection) p50: bare ${unloaded.bare?.latencyMs.p50} ms, protected ${unloaded.protected?.latencyMs.p50} ms`);
    await verifyRoutes(server, cookie); // still the same answers after the load
  } finally {
    await server.stop();
  }

  const b = summarize(bare);
  const p = summarize(protectedRuns);
  const ratio = round(p.p50Ms / b.p50Ms, 3);
  const failures = [...bare, ...protectedRuns].filter((r) => r.non2xx || r.errors || r.timeouts);
  // On Postgres, "other" during protected runs is mostly the database server itself: judge noise on the rest.
  const interferenceRuns = server.backend === "postgres" ? bare : [...bare, ...protectedRuns];
  const otherCores = Math.max(idleOtherCores ?? 0, ...interferenceRuns.map((r) => r.cpu?.otherCores ?? 0));
  const quiet = otherCores <= BUSY_CORES;
  const result = {
    benchmark: "http-overhead",
    date: new Date().toISOString(),
    machine: machineInfo(),
    config: {
      ...options,
      database: server.backend,
      distDir: BENCH_DIST_DIR,
      routes: { bare: "GET /api/ping", protected: "GET /api/me" },
      build: { rebuilt: build.built, reason: build.reason, seconds: round(build.seconds, 1) },
      bootSeconds: round(bootSeconds, 1),
      rateLimitIpMultiplier: BENCH_IP_MULTIPLIER,
      edgeChecks: "on (firewall, per-IP limits, body cap)",
    },
    summary: {
      bare: b,
      protected: p,
      p50Ratio: ratio,
      rpsRatio: round(p.rps / b.rps, 3),
      target: `protected p50 <= ${TARGET_P50_RATIO} x bare p50`,
      meetsTarget: ratio <= TARGET_P50_RATIO,
      valid: failures.length === 0,
      quietMachine: quiet,
      maxOtherCores: round(otherCores, 2),
      unloadedP50Ms: { bare: unloaded.bare?.latencyMs.p50 ?? null, protected: unloaded.protected?.latencyMs.p50 ?? null },
    },
    notes: [
      "latencies are exact (every 2xx response time); autocannonMs holds autocannon's whole-millisecond histogram for comparison",
      "cpu.serverCores counts the server's process group; cpu.otherCores everything else on the machine" +
        (server.backend === "postgres" ? " (for protected runs this includes the PostgreSQL server)" : ""),
      "unloaded: one connection for a few seconds per route, after the rounds",
    ],
    unloaded,
    rounds: bare.map((_, i) => ({ bare: bare[i], protected: protectedRuns[i] })),
    ...(cpuProfDir ? { cpuProfiles: path.relative(process.cwd(), cpuProfDir), note: "profiling was on: numbers are slower than normal" } : {}),
  };
  const jsonPath = writeResult("bench-http.json", result);

  const summaryTable = table(
    ["route", "p50 ms", "p99 ms", "req/s", "server CPU ms/req"],
    [
      ["bare       GET /api/ping", b.p50Ms, b.p99Ms, b.rps, b.serverCpuMsPerRequest ?? "n/a"],
      ["protected  GET /api/me", p.p50Ms, p.p99Ms, p.rps, p.serverCpuMsPerRequest ?? "n/a"],
    ],
  );
  const verdict = result.summary.meetsTarget ? "meets" : "MISSES";
  const summary = [
    `HTTP overhead (${server.backend}, ${options.connections} connections, ${options.rounds} x ${options.durationS} s per route, median of rounds)`,
    summaryTable,
    `p50 ratio protected/bare: ${ratio} (${verdict} the target <= ${TARGET_P50_RATIO})`,
    `unloaded (1 connection) p50: bare ${unloaded.bare?.latencyMs.p50} ms, protected ${unloaded.protected?.latencyMs.p50} ms`,
    ...(failures.length ? [`INVALID: ${failures.length} run(s) had non-2xx answers, errors or timeouts`] : []),
    ...(quiet ? [] : [`NOISY: other processes used up to ${round(otherCores, 2)} cores during the runs; rerun on a quiet machine`]),
  ].join("\n");
  return { name: "http", ok: failures.length === 0, summary, jsonPath };
}

/**
 * `npm run bench` runs every benchmark; `npm run bench -- http` runs the named ones.
 * Each benchmark is a file in bench/ exporting one async function that returns a BenchOutcome
 * (and writes its JSON to .test-output/bench-<name>.json); register it in BENCHMARKS below.
 * Options: --list, --cpu-prof (same as BENCH_CPU_PROF=1). Tuning: see docs/deploy-and-bench-notes.md.
 */
import type { BenchOutcome } from "./lib/machine";

type Benchmark = { description: string; run: (flags: Set<string>) => Promise<BenchOutcome> };

const BENCHMARKS: Record<string, Benchmark> = {
  http: {
    description: "bare route handler (GET /api/ping) vs protected one (GET /api/me: session check, one DB round trip)",
    run: async (flags) => {
      const { runHttpOverhead, defaultHttpOverheadOptions } = await import("./http-overhead");
      const options = defaultHttpOverheadOptions();
      if (flags.has("--cpu-prof")) options.cpuProf = true;
      return runHttpOverhead(options);
    },
  },
  "sign-in": {
    description: "password sign-ins/s over HTTP (proxy, limits, argon2id, session, audit) vs raw argon2id/s; stages of signIn() (PostgreSQL)",
    run: async () => (await import("./sign-in")).runSignInBench(),
  },
  session: {
    description: "the session validation query alone, in-process (the protected route's extra database work)",
    run: async () => (await import("./session-query")).runSessionQuery(),
  },
  crypto: {
    description: "encrypt/decrypt throughput vs raw AES-GCM; reading 10,000 rows with 3 encrypted columns vs plaintext",
    run: async () => (await import("./crypto")).measureCryptoBench(),
  },
  "bank-sync": {
    description: "initial sync of 100,000 sandbox-bank transactions, incremental +1,000, retained memory 10k vs 100k",
    run: async () => (await import("./bank-sync")).runBankSyncBench(),
  },
  "sync-workers": {
    description: "initial sync of 100 connections x 10,000 transactions over 1 vs 2 worker processes (pg-boss): throughput, peak RSS per worker",
    run: async () => (await import("./sync-workers")).runSyncWorkersBench(),
  },
  backup: {
    description: "backup/restore MB/s at 100k and 1M bank transactions; peak RSS flat",
    run: async () => (await import("./backup")).runBackupBench(),
  },
  sftp: {
    description: "SFTP storage MB/s with encryption at rest vs pass-through, end to end over ssh2, peak RSS for a 1 GB file",
    run: async () => (await import("./sftp")).runSftpBench(),
  },
  reports: {
    description: "dashboard queries and the transaction table at 1M transactions in one organization (p50/p95)",
    run: async () => (await import("./reports")).runReportsBench(),
  },
  audit: {
    description: "audit events recorded per second through the hash chain (1 and 8 writers); log page query p50/p95 at 1M events",
    run: async () => (await import("./audit")).runAuditBench(),
  },
  ratelimit: {
    description: "rate-limit and firewall decision latency per store (memory, Redis on loopback), in-process",
    run: async () => (await import("./ratelimit")).runRateLimitBench(),
  },
  lighthouse: {
    description: "Lighthouse (desktop) on the production build with the demo: sign-in, dashboard, transactions; scores, LCP, CLS, TBT, first-load JS (gzip)",
    run: async () => (await import("./lighthouse")).runLighthouseBench(),
  },
  firewall: {
    description: "GET /api/ping at 50 connections: proxy firewall + per-IP limits off vs on (memory, Redis)",
    run: async () => (await import("./firewall-middleware")).runFirewallMiddleware(),
  },
};

/** Nothing may hang a CI job: the whole run is bounded. */
const OVERALL_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 30 * 60_000);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith("--")));
  const names = args.filter((a) => !a.startsWith("--"));

  if (flags.has("--list") || flags.has("--help")) {
    console.log("usage: npm run bench [-- <name>...] [--cpu-prof]\n");
    for (const [name, b] of Object.entries(BENCHMARKS)) console.log(`  ${name.padEnd(10)} ${b.description}`);
    return 0;
  }
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) {
    console.error(`bench: unknown benchmark(s): ${unknown.join(", ")}. Known: ${Object.keys(BENCHMARKS).join(", ")}`);
    return 2;
  }

  const selected = names.length ? names : Object.keys(BENCHMARKS);
  const outcomes: BenchOutcome[] = [];
  for (const name of selected) {
    console.log(`\n=== bench: ${name} ===`);
    outcomes.push(await BENCHMARKS[name]!.run(flags));
  }

  console.log("");
  for (const o of outcomes) console.log(`${o.summary}\nJSON: ${o.jsonPath}\n`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${OVERALL_TIMEOUT_MS / 60_000} min`);
  process.exit(1); // the exit handler in lib/app-server.ts kills any child left
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

main().then(
  (code) => process.exit(code), // autocannon can keep handles open: exit explicitly
  (e: unknown) => {
    console.error(`bench: failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);

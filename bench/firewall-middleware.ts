/**
 * What the firewall and the per-IP limits cost in proxy.ts, over HTTP: GET /api/ping (proxy +
 * route wrapper, no session, no database) at 50 connections, on the same build, with the checks
 * and without them (BENCH_PROXY_EDGE_CHECKS=off, honoured only for this baseline).
 * - off:          no firewall decision, no counters
 * - on (memory):  cached firewall decision + global-ip and api-ip counters (the default)
 * - on (redis):   the same with REDIS_URL set (the proxy counts in memory whatever the store, so
 *                 this should match "on (memory)"; it proves nothing in the proxy waits on Redis)
 * The limits are raised (RATE_LIMIT_IP_MULTIPLIER) so the load is counted but never refused:
 * a 429 storm would look fast. Each configuration gets its own server boot on PGlite (the route
 * never touches the database), one after another; the rounds of each are medianed.
 * Target: added p50 < 10 % over "off".
 */
import { ensureBuild, startAppServer } from "./lib/app-server";
import { idleCheck } from "./lib/cpu";
import { BENCH_IP_MULTIPLIER, portFromEnv } from "./lib/limits";
import { assertAll2xx, runLoad, type LoadResult } from "./lib/load";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { median, round, table } from "./lib/stats";

export const TARGET_ADDED_P50 = 0.1;
const PORT = portFromEnv(3200) + 10;

const intFromEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

type Config = { name: "off" | "on (memory)" | "on (redis)"; env: Record<string, string> };
type Summary = { p50Ms: number; p99Ms: number; rps: number; non2xx: number };

function summarize(runs: LoadResult[]): Summary {
  return {
    p50Ms: round(median(runs.map((r) => r.latencyMs.p50)), 3),
    p99Ms: round(median(runs.map((r) => r.latencyMs.p99)), 3),
    rps: round(median(runs.map((r) => r.rps)), 1),
    non2xx: runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
  };
}

export async function runFirewallMiddleware(): Promise<BenchOutcome> {
  const build = await ensureBuild();
  const connections = intFromEnv("BENCH_CONNECTIONS", 50);
  const durationS = intFromEnv("BENCH_DURATION", 10);
  const warmupS = intFromEnv("BENCH_WARMUP", 3);
  const rounds = intFromEnv("BENCH_ROUNDS", 2);
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const configs: Config[] = [
    { name: "off", env: { BENCH_PROXY_EDGE_CHECKS: "off", REDIS_URL: "" } },
    { name: "on (memory)", env: { BENCH_PROXY_EDGE_CHECKS: "", REDIS_URL: "" } },
    { name: "on (redis)", env: { BENCH_PROXY_EDGE_CHECKS: "", REDIS_URL: redisUrl } },
  ];
  const saved = { ...process.env };
  const results = new Map<Config["name"], Summary>();
  const idle = await idleCheck();

  for (const config of configs) {
    // startAppServer passes this process's environment on to the server.
    const vars: Record<string, string> = { RATE_LIMIT_IP_MULTIPLIER: String(BENCH_IP_MULTIPLIER), ...config.env };
    Object.assign(process.env, vars);
    // PGlite always: /api/ping never touches the database, and each configuration needs a fresh boot.
    const server = await startAppServer({ port: PORT });
    try {
      const url = `${server.origin}/api/ping`;
      assertAll2xx(`${config.name} warm-up`, await runLoad({ url, connections, durationS: warmupS, serverPgid: server.pid }));
      const runs: LoadResult[] = [];
      for (let r = 1; r <= rounds; r++) {
        process.stdout.write(`bench: ${config.name.padEnd(12)} round ${r}/${rounds} ${durationS} s x ${connections} connections ... `);
        const res = await runLoad({ url, connections, durationS, serverPgid: server.pid });
        assertAll2xx(`${config.name} round ${r}`, res);
        console.log(`p50 ${res.latencyMs.p50} ms, p99 ${res.latencyMs.p99} ms, ${res.rps} req/s`);
        runs.push(res);
      }
      results.set(config.name, summarize(runs));
    } finally {
      await server.stop();
      for (const k of Object.keys(vars)) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  }

  const off = results.get("off")!;
  const added = (name: Config["name"]) => {
    const s = results.get(name);
    return s ? round(s.p50Ms / off.p50Ms - 1, 3) : null;
  };
  const rows = [...results.entries()].map(([name, s]) => [name, s.p50Ms, s.p99Ms, s.rps, name === "off" ? "-" : `${round((added(name) ?? 0) * 100, 1)} %`]);
  const worst = Math.max(...configs.filter((c) => c.name !== "off").map((c) => added(c.name) ?? 0));
  const invalid = [...results.values()].some((s) => s.non2xx > 0);
  const result = {
    benchmark: "firewall-middleware",
    date: new Date().toISOString(),
    machine: machineInfo(),
    config: { connections, durationS, warmupS, rounds, route: "GET /api/ping", build: { rebuilt: build.built, reason: build.reason } },
    idleOtherCores: idle,
    summary: Object.fromEntries(results),
    addedP50: Object.fromEntries(configs.filter((c) => c.name !== "off").map((c) => [c.name, added(c.name)])),
    target: `added p50 < ${TARGET_ADDED_P50 * 100} %`,
    meetsTarget: worst < TARGET_ADDED_P50,
    valid: !invalid,
  };
  const jsonPath = writeResult("bench-firewall-middleware.json", result);
  const summary = [
    `Firewall + per-IP limits in proxy.ts (GET /api/ping, ${connections} connections, median of ${rounds} x ${durationS} s)`,
    table(["proxy checks", "p50 ms", "p99 ms", "req/s", "added p50"], rows),
    `worst added p50: ${round(worst * 100, 1)} % (${result.meetsTarget ? "meets" : "MISSES"} the target < ${TARGET_ADDED_P50 * 100} %)`,
    ...(invalid ? ["INVALID: some runs had non-2xx answers, errors or timeouts"] : []),
  ].join("\n");
  return { name: "firewall", ok: !invalid, summary, jsonPath };
}

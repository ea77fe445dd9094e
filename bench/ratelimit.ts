/**
 * Rate-limit and firewall decision latency, in-process (no HTTP, no build):
 * - consume() per store: memory, and Redis on loopback (REDIS_URL, default redis://127.0.0.1:6379),
 *   sequential (one decision's own latency) and 50 in flight (like 50 connections);
 * - the proxy's own per-IP counter (hitEdgeLimit) and the firewall decision with 0, 1,000 and
 *   10,000 rules in the cached set: the work proxy.ts adds to every request.
 * Exact percentiles over every decision.
 */
import { randomUUID } from "node:crypto";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { percentile, round, table } from "./lib/stats";

const SEQUENTIAL = 5_000;
const CONCURRENT = 20_000;
const IN_FLIGHT = 50;
const EDGE_CALLS = 200_000;

type Row = { what: string; n: number; p50Us: number; p99Us: number; perSecond: number };

function row(what: string, timesMs: number[], wallMs: number): Row {
  return {
    what,
    n: timesMs.length,
    p50Us: round(percentile(timesMs, 50) * 1000, 1),
    p99Us: round(percentile(timesMs, 99) * 1000, 1),
    perSecond: Math.round(timesMs.length / (wallMs / 1000)),
  };
}

async function sequential(what: string, n: number, call: (i: number) => Promise<unknown>): Promise<Row> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    times.push(performance.now() - t);
  }
  return row(what, times, performance.now() - start);
}

async function concurrent(what: string, n: number, call: (i: number) => Promise<unknown>): Promise<Row> {
  const times: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await call(i);
        times.push(performance.now() - t);
      }
    }),
  );
  return row(what, times, performance.now() - start);
}

function sync(what: string, n: number, call: (i: number) => unknown): Row {
  const times: number[] = new Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    call(i);
    times[i] = performance.now() - t;
  }
  return row(what, times, performance.now() - start);
}

export async function runRateLimitBench(): Promise<BenchOutcome> {
  const configuredRedis = process.env.REDIS_URL;
  Object.assign(process.env, { RATE_LIMIT_PREFIX: `ck:rl:bench:${randomUUID()}`, UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "", REDIS_URL: "" });
  const { consume, rateLimitStoreKind, resetRateLimitsForTests } = await import("../lib/ratelimit");
  const { resetEnvCache } = await import("../lib/env");
  const { hitEdgeLimit } = await import("../lib/ratelimit/edge");
  const { compileRules, decide } = await import("../lib/firewall/rule-set");

  const rows: Row[] = [];
  const notes: string[] = [];
  // Distinct identifiers so no decision is a denial short-cut; a realistic mix of keys.
  const ids = Array.from({ length: 1_000 }, () => randomUUID());

  // Memory store.
  resetEnvCache();
  resetRateLimitsForTests();
  if (rateLimitStoreKind() !== "memory") throw new Error("expected the memory store");
  rows.push(await sequential("consume() memory, sequential", SEQUENTIAL, (i) => consume("global-ip", ids[i % ids.length]!)));
  rows.push(await concurrent(`consume() memory, ${IN_FLIGHT} in flight`, CONCURRENT, (i) => consume("global-ip", ids[i % ids.length]!)));

  // Redis on loopback.
  const redisUrl = configuredRedis || "redis://127.0.0.1:6379";
  process.env.REDIS_URL = redisUrl;
  resetEnvCache();
  resetRateLimitsForTests();
  const probe = await consume("global-ip", "probe");
  if (probe.degraded) {
    notes.push(`Redis at ${redisUrl} did not answer: Redis rows skipped`);
  } else {
    rows.push(await sequential("consume() redis, sequential", SEQUENTIAL, (i) => consume("global-ip", ids[i % ids.length]!)));
    rows.push(await concurrent(`consume() redis, ${IN_FLIGHT} in flight`, CONCURRENT, (i) => consume("global-ip", ids[i % ids.length]!)));
  }
  resetRateLimitsForTests();
  process.env.REDIS_URL = "";
  resetEnvCache();

  // What proxy.ts adds per request.
  const ips = Array.from({ length: 4_096 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}`);
  rows.push(sync("proxy per-IP counter (hitEdgeLimit)", EDGE_CALLS, (i) => hitEdgeLimit("global-ip", ips[i % ips.length]!, 1_000_000)));
  const now = Date.now();
  const sets: { label: string; count: number; cidr: (i: number) => string }[] = [
    { label: "no rules", count: 0, cidr: () => "" },
    // Mixed IPv4 /24s and IPv6 /48s, none matching the probed addresses: networks are checked one by one.
    { label: "100 networks", count: 100, cidr: (i) => (i % 2 ? `172.16.${i}.0/24` : `2001:db8:${i.toString(16)}::/48`) },
    { label: "1,000 networks", count: 1_000, cidr: (i) => (i % 2 ? `172.${16 + ((i >> 8) & 15)}.${i & 255}.0/24` : `2001:db8:${i.toString(16)}::/48`) },
    // What automatic IP blocks add: single addresses, one hash lookup whatever their number.
    { label: "10,000 single addresses", count: 10_000, cidr: (i) => `100.64.${(i >> 8) & 255}.${i & 255}/32` },
  ];
  for (const set of sets) {
    const rules = Array.from({ length: set.count }, (_, i) => ({ id: String(i), scope: "global" as const, organizationId: null, cidr: set.cidr(i), action: "deny" as const, expiresAt: null }));
    const compiled = compileRules(rules, now);
    rows.push(sync(`firewall decision, ${set.label}`, EDGE_CALLS / 4, (i) => decide(compiled, ips[i % ips.length]!)));
  }

  const result = { benchmark: "ratelimit", date: new Date().toISOString(), machine: machineInfo(), rows, notes };
  const jsonPath = writeResult("bench-ratelimit.json", result);
  const summary = [
    "Rate-limit and firewall decision latency (in-process; µs)",
    table(["decision", "n", "p50 µs", "p99 µs", "per s"], rows.map((r) => [r.what, r.n, r.p50Us, r.p99Us, r.perSecond])),
    ...notes,
  ].join("\n");
  return { name: "ratelimit", ok: true, summary, jsonPath };
}

// `npx tsx --conditions=react-server bench/ratelimit.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await runRateLimitBench();
  console.log(outcome.summary);
  console.log(`JSON: ${outcome.jsonPath}`);
  process.exit(0);
}

/**
 * One closed-loop load run with autocannon, with exact latencies.
 * autocannon's own histogram stores whole milliseconds; sub-millisecond differences matter here,
 * so every 2xx response time (float ms, from its 'response' event) is kept and ranked exactly.
 * Every answer's status is counted: a run that measured refusals (429, 401, 5xx) measured the
 * wrong thing, and assertAll2xx() stops the benchmark with the counts.
 */
import autocannon, { type AutocannonRequest } from "autocannon";
import { cpuBetween, cpuSnapshot, type CpuUse } from "./cpu";
import { percentile, round } from "./stats";

export type LoadOptions = {
  url: string;
  headers?: Record<string, string>;
  /** POST and friends: a fixed body, or one request template whose setupRequest varies it per request. */
  method?: string;
  body?: string;
  requests?: AutocannonRequest[];
  connections: number;
  durationS: number;
  /** process group of the server, for CPU accounting */
  serverPgid?: number;
};

export type LoadResult = {
  url: string;
  connections: number;
  durationS: number;
  requests2xx: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** autocannon's own (whole-millisecond) percentiles, for cross-checking. */
  autocannonMs: { p50: number; p99: number };
  non2xx: number;
  /** Every status seen and how often, e.g. { "200": 5120, "429": 3 }. */
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  cpu: CpuUse | null;
};

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const statusCounts: Record<string, number> = {};
  const instance = autocannon({
    url: options.url,
    headers: options.headers ?? {},
    ...(options.method ? { method: options.method } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.requests ? { requests: options.requests } : {}),
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
  });
  // Hard bound in case the server stops answering altogether.
  const guard = setTimeout(() => instance.stop(), (options.durationS + 30) * 1000);
  const before = options.serverPgid ? cpuSnapshot(options.serverPgid) : null;
  const result = await instance;
  const after = options.serverPgid ? cpuSnapshot(options.serverPgid) : null;
  clearTimeout(guard);

  const mean = times.reduce((a, b) => a + b, 0) / (times.length || 1);
  return {
    url: options.url,
    connections: options.connections,
    durationS: result.duration,
    requests2xx: result["2xx"],
    rps: round(result["2xx"] / result.duration, 1),
    latencyMs: {
      p50: round(percentile(times, 50), 3),
      p90: round(percentile(times, 90), 3),
      p99: round(percentile(times, 99), 3),
      max: round(percentile(times, 100), 3),
      mean: round(mean, 3),
    },
    autocannonMs: { p50: result.latency.p50, p99: result.latency.p99 },
    non2xx: result.non2xx,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu: cpuBetween(before, after, result["2xx"] + result.non2xx),
  };
}

/** Thrown when a run saw anything but 2xx answers: its numbers describe refusals, not the app. */
export class RefusedLoadError extends Error {}

/**
 * Stops the benchmark, loudly, when a load run was answered with anything but 2xx (or had
 * connection errors or timeouts). A refused request is cheap: a 429 storm looks fast.
 */
export function assertAll2xx(label: string, r: LoadResult): void {
  if (r.non2xx === 0 && r.errors === 0 && r.timeouts === 0) return;
  const statuses = Object.entries(r.statusCounts)
    .filter(([code]) => !code.startsWith("2"))
    .map(([code, n]) => `${n} x ${code}`)
    .join(", ");
  throw new RefusedLoadError(
    `INVALID RUN (${label}, ${r.url}): ${r.non2xx} non-2xx answer(s)${statuses ? ` (${statuses})` : ""}, ${r.errors} error(s), ` +
      `${r.timeouts} timeout(s) out of ${r.requests2xx + r.non2xx} answers. The run measured refusals or failures, not the app: ` +
      `nothing from it is reported. A 429 means the load outgrew the limits the harness configured; see .test-output/*-server.log.`,
  );
}

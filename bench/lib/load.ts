/**
 * One closed-loop load run with autocannon, with exact latencies.
 * autocannon's own histogram stores whole milliseconds; sub-millisecond differences matter here,
 * so every 2xx response time (float ms, from its 'response' event) is kept and ranked exactly.
 */
import autocannon from "autocannon";
import { cpuBetween, cpuSnapshot, type CpuUse } from "./cpu";
import { percentile, round } from "./stats";

export type LoadOptions = {
  url: string;
  headers?: Record<string, string>;
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
  errors: number;
  timeouts: number;
  cpu: CpuUse | null;
};

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const instance = autocannon({
    url: options.url,
    headers: options.headers ?? {},
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
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
    errors: result.errors,
    timeouts: result.timeouts,
    cpu: cpuBetween(before, after, result["2xx"] + result.non2xx),
  };
}

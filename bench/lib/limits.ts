/**
 * The app's per-IP limits (proxy.ts: global-ip 600/min, api-ip 300/min; sign-in-ip 20/5 min) are
 * meant for people, and a benchmark is one loopback address sending thousands of requests a second.
 * The HTTP benchmarks therefore raise them with the product's own knob, RATE_LIMIT_IP_MULTIPLIER:
 * every request is still counted and checked against a limit (the work measured as "protected"
 * includes it), but this load is never refused. If it ever is, assertAll2xx() fails the run.
 */
export const BENCH_IP_MULTIPLIER = 100_000;

/** Server variables for a benchmark's load, announced so nobody mistakes the run for a default deployment. */
export function benchLimitsEnv(label: string): Record<string, string> {
  console.warn(
    `bench: ${label}: RATE_LIMIT_IP_MULTIPLIER=${BENCH_IP_MULTIPLIER} for the app under test: per-IP limits stay ON ` +
      `(every request is counted and checked) but are raised so this one-address load is never refused`,
  );
  // A run's own counters: with REDIS_URL set, earlier runs' counts for the same addresses and accounts must not carry over.
  return { RATE_LIMIT_IP_MULTIPLIER: String(BENCH_IP_MULTIPLIER), RATE_LIMIT_PREFIX: `ck:rl:bench:${Date.now()}-${process.pid}` };
}

export function portFromEnv(fallback: number): number {
  const v = Number(process.env.BENCH_PORT);
  return Number.isInteger(v) && v > 0 && v < 65536 ? v : fallback;
}

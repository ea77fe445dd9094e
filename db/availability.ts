import { isDatabaseUnreachable } from "./errors";

/**
 * A per-process circuit breaker for the database. The first query that finds the database gone
 * opens it; from then on the proxy answers 503 at once (no request waits on a dead database, and
 * none queues up writes that would run after its client gave up), while a probe runs `select 1`
 * every PROBE_INTERVAL_MS. The first query that succeeds (the probe's, the health check's, a
 * background job's) closes it again. No database import and no "server-only": proxy.ts reads it;
 * the state lives on globalThis because the proxy and the app have separate module graphs.
 */
const PROBE_INTERVAL_MS = 250;

type State = { downSince: number | null; probe?: () => Promise<unknown>; timer?: ReturnType<typeof setTimeout> };
const KEY = Symbol.for("chargekeep.db.availability");
const holder = globalThis as { [KEY]?: State };
const state = (): State => (holder[KEY] ??= { downSince: null });

/** The server side registers how to probe (db/index.ts); the proxy never opens the database itself. */
export function registerDatabaseProbe(probe: () => Promise<unknown>): void {
  state().probe = probe;
}

export function isDatabaseKnownDown(): boolean {
  return state().downSince !== null;
}

/** Called for every failed query: only "unreachable" opens the breaker (one dropped connection or a slow query does not). */
export function noteDatabaseFailure(e: unknown): void {
  if (!isDatabaseUnreachable(e)) return;
  const s = state();
  if (s.downSince === null) {
    s.downSince = Date.now();
    console.error(`[db] database unreachable (${describe(e)}): answering 503 until it is back`);
  }
  scheduleProbe();
}

export function noteDatabaseSuccess(): void {
  const s = state();
  if (s.downSince === null) return;
  console.error(`[db] database reachable again after ${((Date.now() - s.downSince) / 1000).toFixed(1)} s`);
  s.downSince = null;
}

function scheduleProbe(): void {
  const s = state();
  if (!s.probe || s.timer) return;
  s.timer = setTimeout(() => {
    s.timer = undefined;
    s.probe!().then(noteDatabaseSuccess, () => {
      if (s.downSince !== null) scheduleProbe();
    });
  }, PROBE_INTERVAL_MS);
  s.timer.unref?.();
}

function describe(e: unknown): string {
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 6; cur = cur.cause as typeof cur, i++) {
    if (typeof cur.code === "string") return cur.code;
  }
  return e instanceof Error ? e.name : "unknown error";
}

/** Tests only: forget an outage another test simulated. */
export function resetDatabaseAvailability(): void {
  const s = state();
  if (s.timer) clearTimeout(s.timer);
  s.timer = undefined;
  s.downSince = null;
}

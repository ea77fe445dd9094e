import "server-only";
import { getDb } from "@/db";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { enqueue, type JobDefinition } from "@/lib/jobs";
import { runDetached } from "./pending";
import { raiseAlert } from "./raise";
import { SYSTEM_RULES, type SystemSignalKind } from "./thresholds";

/**
 * Platform-wide counters for 5xx, 429 and sync failures. Called on hot paths (every error
 * response), so a signal is a timestamp pushed into an in-memory ring per kind: no I/O unless the
 * threshold is crossed, and then at most one raise per window (raise.ts counts repeats on the open
 * alert). Per process: each instance alerts on its own share, which is what a burst looks like.
 */
type Counter = { times: number[]; lastRaisedAt: number };
const counters = new Map<SystemSignalKind, Counter>();

const TITLES: Record<SystemSignalKind, string> = {
  http_5xx: "Burst of server errors",
  http_429: "Burst of rate-limited requests",
  sync_failure: "Burst of bank sync failures",
};

export function recordSystemSignal(kind: SystemSignalKind, detail?: { organizationId?: string | null }): void {
  const rule = SYSTEM_RULES[kind];
  if (!rule) return;
  const at = now().getTime();
  const windowMs = rule.windowMinutes * 60_000;
  const c = counters.get(kind) ?? { times: [], lastRaisedAt: 0 };
  counters.set(kind, c);
  c.times.push(at);
  while (c.times.length && c.times[0]! <= at - windowMs) c.times.shift();
  // Bound memory under a flood: the threshold is all we need to know about.
  if (c.times.length > rule.threshold * 2) c.times.splice(0, c.times.length - rule.threshold * 2);
  if (c.times.length < rule.threshold || at - c.lastRaisedAt < windowMs) return;
  c.lastRaisedAt = at;
  const n = c.times.length;
  const data = { kind, count: n, organizationId: detail?.organizationId ?? null };
  // Raised by a worker (pg-boss), off the request's process; tests have no workers and run the same code detached.
  if (env().NODE_ENV === "test") runDetached(`system signal ${kind}`, () => systemSignalJob.run(data, { id: "inline" }));
  else enqueue(systemSignalJob, data).catch((e: unknown) => console.error(`[alerts] could not enqueue system signal ${kind}`, e instanceof Error ? e.message : e));
}

/**
 * The evaluation's outcome as a job: a platform alert, deduplicated by kind (raise.ts counts a
 * repeat on the open alert, so two instances crossing at once make one alert, one e-mail).
 */
export const systemSignalJob: JobDefinition<{ kind: SystemSignalKind; count: number; organizationId: string | null }> = {
  queue: "system-signal",
  policy: "standard",
  retryLimit: 3,
  retryDelaySeconds: 10,
  retryBackoff: true,
  expireInSeconds: 5 * 60,
  run: async ({ kind, count, organizationId }) => {
    const rule = SYSTEM_RULES[kind];
    const where = organizationId ? ` (last one in organization ${organizationId})` : "";
    return raiseAlert(getDb(), {
      organizationId: null,
      rule: kind,
      severity: rule.severity,
      title: TITLES[kind],
      detail: `${count} or more within ${rule.windowMinutes} minutes on one server${where}.`,
      dedupeKey: `system:${kind}`,
      windowMinutes: rule.windowMinutes,
    });
  },
};

/** Tests: forget every counter. */
export function resetSystemSignals(): void {
  counters.clear();
}

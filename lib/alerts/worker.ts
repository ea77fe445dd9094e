import "server-only";
import { env } from "@/lib/env";

/**
 * The in-process delivery worker: outside tests, the first alert or webhook activity of a process
 * starts an interval that queues SIEM batches and sends due webhooks (development and single-server
 * installs need no cron). With several servers, or a serverless host, the cron route
 * (/api/cron/alerts) does the same; claims are lease-based, so both at once is safe.
 * WEBHOOK_WORKER=off turns the interval off (cron only).
 */
const INTERVAL_MS = 15_000;
const KEY = Symbol.for("chargekeep.alerts.worker");
type State = { interval?: NodeJS.Timeout; kick?: NodeJS.Timeout; running: boolean };

function state(): State {
  const g = globalThis as { [KEY]?: State };
  return (g[KEY] ??= { running: false });
}

function enabled(): boolean {
  const config = env();
  return config.NODE_ENV !== "test" && config.WEBHOOK_WORKER !== "off";
}

async function runOnce(): Promise<void> {
  const s = state();
  if (s.running) return;
  s.running = true;
  try {
    const [{ getDb }, { deliverDueWebhooks, queueAuditStream }] = await Promise.all([import("@/db"), import("./delivery")]);
    await queueAuditStream(getDb());
    await deliverDueWebhooks(getDb());
  } catch (e) {
    console.error("[alerts] webhook worker run failed", e instanceof Error ? e.message : e);
  } finally {
    s.running = false;
  }
}

export function ensureDeliveryWorker(): void {
  if (!enabled()) return;
  const s = state();
  s.interval ??= setInterval(() => void runOnce(), INTERVAL_MS);
  s.interval.unref?.();
}

/** Something was queued: send it within a second or so (after the enqueuing transaction commits) rather than at the next tick. */
export function kickDeliveryWorker(): void {
  if (!enabled()) return;
  ensureDeliveryWorker();
  const s = state();
  if (s.kick) return;
  s.kick = setTimeout(() => {
    s.kick = undefined;
    void runOnce();
  }, 1_000);
  s.kick.unref?.();
}

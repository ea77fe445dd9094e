import "server-only";
import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { env } from "@/lib/env";
import { enqueue, type JobDefinition } from "@/lib/jobs";
import { deliverDueWebhooks, queueAuditStream } from "./delivery";

/**
 * Webhook and SIEM delivery as a pg-boss job (issue 21). A run queues the SIEM batches, sends every
 * due delivery (each claimed with a lease, so two workers never send one twice) and, when a retry
 * falls due within the next minute, enqueues its own follow-up for then. A pg-boss cron runs it
 * every minute for the cluster (lib/workers), new deliveries kick it within a second, and
 * /api/cron/alerts enqueues it for serverless hosts. WEBHOOK_WORKER=off leaves only that route.
 */
export const webhookDeliveryJob: JobDefinition<object> = {
  queue: "webhook-delivery",
  policy: "standard",
  retryLimit: 2,
  retryDelaySeconds: 15,
  retryBackoff: true,
  expireInSeconds: 10 * 60,
  pollingIntervalSeconds: 2,
  run: async () => {
    const db = getDb();
    const auditBatchesQueued = await queueAuditStream(db);
    const run = await deliverDueWebhooks(db);
    await followUp();
    return { auditBatchesQueued, ...run };
  },
};

/** Enqueues the delivery job; throttled by pg-boss to one per key and slot, so a burst of kicks costs one run. */
export function enqueueDelivery(opts: { startAfterSeconds?: number; key?: string } = {}): Promise<string | null> {
  return enqueue(webhookDeliveryJob, {}, { singletonKey: opts.key ?? "kick", singletonSeconds: 2, startAfterSeconds: opts.startAfterSeconds });
}

/** A retry due within the minute runs then, not at the next cron tick. */
async function followUp(): Promise<void> {
  const [next] = rowsOf<{ seconds: string | number | null }>(
    await getDb().execute(sql`select extract(epoch from min(next_attempt_at) - now()) as seconds from webhook_deliveries where status = 'pending'`),
  );
  const seconds = next?.seconds === null || next?.seconds === undefined ? null : Number(next.seconds);
  if (seconds !== null && seconds < 60) await enqueueDelivery({ startAfterSeconds: Math.max(1, Math.ceil(seconds)), key: "follow-up" });
}

function enabled(): boolean {
  const config = env();
  return config.NODE_ENV !== "test" && config.WEBHOOK_WORKER !== "off";
}

const KEY = Symbol.for("chargekeep.alerts.kick");
type State = { kick?: NodeJS.Timeout };
const state = (): State => ((globalThis as { [KEY]?: State })[KEY] ??= {});

/**
 * Something was queued (a delivery, an audit event a SIEM webhook follows): send it within a second
 * or so. The enqueue waits that second so the caller's transaction has committed, and a burst in
 * this process coalesces into one job.
 */
export function kickDeliveryWorker(): void {
  if (!enabled()) return;
  const s = state();
  if (s.kick) return;
  s.kick = setTimeout(() => {
    s.kick = undefined;
    enqueueDelivery().catch((e: unknown) => console.error("[alerts] could not enqueue webhook delivery", e instanceof Error ? e.message : e));
  }, 1_000);
  s.kick.unref?.();
}

/** Kept for the callers that used to start the in-process interval: now the same as a kick. */
export function ensureDeliveryWorker(): void {
  kickDeliveryWorker();
}

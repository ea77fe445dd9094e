import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { now } from "@/lib/clock";
import { open } from "@/lib/crypto";
import { env } from "@/lib/env";
import { webhookGuardProduction } from "./url-guard";
import { postJson, type PostResult } from "./http-post";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookPayload } from "./signature";
import { kickDeliveryWorker } from "./worker";

/**
 * The webhook outbox. Every payload is a webhook_deliveries row first (written in the transaction
 * that raised the alert, so a rolled-back change sends nothing), then a worker POSTs it: on 2xx it
 * is delivered; otherwise it is retried with exponential backoff (30 s, 1 min, 2 min … capped at
 * 6 h) until MAX_ATTEMPTS, then marked failed. The body is fixed at enqueue time; each attempt
 * signs it afresh with the current timestamp.
 */
export const MAX_ATTEMPTS = 10;
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 6 * 60 * 60_000;
/** A claimed delivery is invisible to other workers this long (a worker that dies mid-send releases it then). */
const LEASE_MS = 2 * 60_000;
const TIMEOUT_MS = 10_000;
/** Events per SIEM batch, and batches queued per webhook per run. */
export const AUDIT_BATCH_SIZE = 100;
const AUDIT_BATCHES_PER_RUN = 20;

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

export type AlertPayload = {
  type: "alert.raised";
  alert: { id: string; rule: string; severity: string; title: string; detail: string; count: number; firstSeenAt: string; lastSeenAt: string };
};

function envelope(id: string, organizationId: string, type: string, data: object): string {
  return JSON.stringify({ id, type, organizationId, createdAt: now().toISOString(), data });
}

/** Queues an alert for every active webhook of the organization subscribed to alerts. */
export async function enqueueAlertDeliveries(db: Database, organizationId: string, payload: AlertPayload): Promise<number> {
  const targets = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.organizationId, organizationId), eq(webhooks.active, true), sql`${webhooks.kinds} @> '["alerts"]'::jsonb`));
  if (targets.length === 0) return 0;
  const at = now();
  await db.insert(webhookDeliveries).values(
    targets.map((t) => {
      const id = randomUUID();
      return { id, webhookId: t.id, kind: "alert", payload: envelope(id, organizationId, payload.type, payload.alert), nextAttemptAt: at, createdAt: at };
    }),
  );
  kickDeliveryWorker();
  return targets.length;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One chain's line of a signed audit anchor (lib/audit/anchor-format.ts), as the SIEM stream carries it. */
export type AuditAnchorRecord = { anchorId: string; anchoredAt: string; keyId: number; chain: string; seq: number; mac: string; at: string | null; recordMac: string };

/**
 * Puts anchor records into the SIEM stream: for each organization, an "audit.anchor" payload to
 * every active webhook subscribed to "audit", ordered after the batches holding the events it
 * covers (audit_from_seq = the anchored seq). Only the organization's own chain: never another's.
 */
export async function enqueueAuditAnchorRecords(db: Database, items: { organizationId: string; record: AuditAnchorRecord }[]): Promise<number> {
  const byOrg = new Map(items.filter((i) => UUID.test(i.organizationId)).map((i) => [i.organizationId, i.record]));
  if (byOrg.size === 0) return 0;
  const targets = await db
    .select({ id: webhooks.id, organizationId: webhooks.organizationId })
    .from(webhooks)
    .where(and(eq(webhooks.active, true), sql`${webhooks.kinds} @> '["audit"]'::jsonb`, inArray(webhooks.organizationId, [...byOrg.keys()])));
  if (targets.length === 0) return 0;
  const at = now();
  await db.insert(webhookDeliveries).values(
    targets.map((t) => {
      const id = randomUUID();
      const record = byOrg.get(t.organizationId)!;
      return { id, webhookId: t.id, kind: "audit", payload: envelope(id, t.organizationId, "audit.anchor", record), auditFromSeq: record.seq, nextAttemptAt: at, createdAt: at };
    }),
  );
  kickDeliveryWorker();
  return targets.length;
}

/** A "test" payload (the test-send button), delivered like any other. Returns the delivery id. */
export async function enqueueTestDelivery(db: Database, webhookId: string, organizationId: string): Promise<string> {
  const id = randomUUID();
  await db.insert(webhookDeliveries).values({
    id,
    webhookId,
    kind: "test",
    payload: envelope(id, organizationId, "webhook.test", { message: "A test delivery from ChargeKeep. Check its signature as you would for a real one." }),
    nextAttemptAt: now(),
    createdAt: now(),
  });
  return id;
}

type Claimed = { id: string; webhook_id: string; kind: string; payload: string; attempts: number | string };

/**
 * Claims due deliveries (skip locked + a lease, so concurrent workers never send one twice at
 * once). A SIEM batch waits while an earlier batch of the same webhook is still pending: the
 * receiver gets the audit stream in chain order even across retries.
 */
async function claimDue(db: Database, limit: number, onlyId?: string): Promise<Claimed[]> {
  const at = now();
  const lease = new Date(at.getTime() + LEASE_MS).toISOString();
  const only = onlyId ? sql`and d.id = ${onlyId}::uuid` : sql``;
  return rowsOf<Claimed>(
    await db.execute(sql`
      with due as (
        select d.id from webhook_deliveries d
        where d.status = 'pending' and d.next_attempt_at <= ${at.toISOString()}::timestamptz ${only}
          and (d.kind <> 'audit' or not exists (
            select 1 from webhook_deliveries e
            where e.webhook_id = d.webhook_id and e.kind = 'audit' and e.status = 'pending' and e.audit_from_seq < d.audit_from_seq))
        order by d.next_attempt_at, d.audit_from_seq nulls first
        limit ${limit}
        for update skip locked
      )
      update webhook_deliveries set next_attempt_at = ${lease}::timestamptz
      from due where webhook_deliveries.id = due.id
      returning webhook_deliveries.id, webhook_deliveries.webhook_id, webhook_deliveries.kind, webhook_deliveries.payload, webhook_deliveries.attempts`),
  );
}

export type Sender = (url: URL, body: string, headers: Record<string, string>) => Promise<PostResult>;

const defaultSender: Sender = (url, body, headers) => postJson(url, body, headers, { production: webhookGuardProduction(env()), timeoutMs: TIMEOUT_MS });

async function attempt(db: Database, d: Claimed, send: Sender): Promise<"delivered" | "retry" | "failed"> {
  const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, d.webhook_id));
  const attempts = Number(d.attempts) + 1;
  let status: number | null = null;
  let error: string | null = null;
  if (!hook || !hook.active) {
    error = "webhook removed or disabled";
  } else {
    try {
      const secret = open(hook.secret, { table: "webhooks", column: "secret", rowId: hook.id });
      const t = Math.floor(now().getTime() / 1000);
      const res = await send(new URL(hook.url), d.payload, {
        [SIGNATURE_HEADER]: signWebhookPayload(secret, d.payload, t),
        [DELIVERY_HEADER]: d.id,
        [EVENT_HEADER]: d.kind,
      });
      status = res.status;
      if (status < 200 || status >= 300) error = `receiver answered ${status}`;
    } catch (e) {
      // The code (ECONNREFUSED, ETIMEDOUT…) is what an admin can act on; never the URL (it may hold a token).
      const err = e as NodeJS.ErrnoException;
      error = (err.code ? `${err.code}: ` : "") + (err.message ?? "request failed").replace(/https?:\/\/\S+/g, "<url>");
    }
  }
  const at = now();
  if (!error) {
    await db.update(webhookDeliveries).set({ status: "delivered", attempts, lastStatusCode: status, lastError: null, deliveredAt: at }).where(eq(webhookDeliveries.id, d.id));
    return "delivered";
  }
  const giveUp = attempts >= MAX_ATTEMPTS || !hook || !hook.active;
  await db
    .update(webhookDeliveries)
    .set({
      status: giveUp ? "failed" : "pending",
      attempts,
      lastStatusCode: status,
      lastError: error.slice(0, 500),
      nextAttemptAt: new Date(at.getTime() + backoffMs(attempts)),
    })
    .where(eq(webhookDeliveries.id, d.id));
  return giveUp ? "failed" : "retry";
}

export type DeliveryRun = { delivered: number; retried: number; failed: number };

/**
 * Sends every due delivery (the cron route and the in-process worker call this). Deliveries of one
 * webhook go one after another (order, and one slow receiver holds only its own queue); different
 * webhooks in parallel. Loops while there is due work, so queued SIEM batches drain in one run.
 */
export async function deliverDueWebhooks(db: Database, opts: { send?: Sender; limit?: number; onlyId?: string; maxRounds?: number } = {}): Promise<DeliveryRun> {
  const run: DeliveryRun = { delivered: 0, retried: 0, failed: 0 };
  const send = opts.send ?? defaultSender;
  for (let round = 0; round < (opts.maxRounds ?? 20); round++) {
    const claimed = await claimDue(db, opts.limit ?? 50, opts.onlyId);
    if (claimed.length === 0) break;
    const byHook = new Map<string, Claimed[]>();
    for (const d of claimed) byHook.set(d.webhook_id, [...(byHook.get(d.webhook_id) ?? []), d]);
    await Promise.all(
      [...byHook.values()].map(async (queue) => {
        for (const d of queue) {
          const outcome = await attempt(db, d, send);
          if (outcome === "delivered") run.delivered++;
          else if (outcome === "retry") run.retried++;
          else run.failed++;
        }
      }),
    );
    if (opts.onlyId) break;
  }
  return run;
}

type StreamEvent = {
  id: string;
  seq: number | string;
  created_at: string | Date;
  actor_user_id: string | null;
  action: string;
  result: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  metadata: unknown;
  hash: string;
  prev_hash: string;
};

/**
 * The SIEM stream: for each active webhook subscribed to "audit", queues the organization's events
 * after its cursor as batches of AUDIT_BATCH_SIZE, in chain order, and moves the cursor in the
 * same transaction (a batch is queued exactly once). Chain writers are serialised by the chain
 * head's lock, so seq order is commit order and the cursor never skips an event committed later.
 */
export async function queueAuditStream(db: Database): Promise<number> {
  const hooks = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.active, true), sql`${webhooks.kinds} @> '["audit"]'::jsonb`));
  let queued = 0;
  for (const { id } of hooks) {
    for (let i = 0; i < AUDIT_BATCHES_PER_RUN; i++) {
      const more = await db.transaction(async (tx) => {
        const [hook] = rowsOf<{ organization_id: string; audit_cursor: number | string }>(
          await tx.execute(sql`select organization_id, audit_cursor from webhooks where id = ${id}::uuid and active for update skip locked`),
        );
        if (!hook) return false;
        const events = rowsOf<StreamEvent>(
          await tx.execute(sql`
            select id, seq, created_at, actor_user_id, action, result, target_type, target_id, ip, user_agent, request_id, metadata, hash, prev_hash
            from audit_events where chain = ${hook.organization_id} and seq > ${Number(hook.audit_cursor)}
            order by seq limit ${AUDIT_BATCH_SIZE}`),
        );
        if (events.length === 0) return false;
        const deliveryId = randomUUID();
        const fromSeq = Number(events[0]!.seq);
        const toSeq = Number(events.at(-1)!.seq);
        const data = {
          fromSeq,
          toSeq,
          events: events.map((e) => ({
            id: e.id,
            seq: Number(e.seq),
            createdAt: new Date(e.created_at).toISOString(),
            actorUserId: e.actor_user_id,
            action: e.action,
            result: e.result,
            targetType: e.target_type,
            targetId: e.target_id,
            ip: e.ip,
            userAgent: e.user_agent,
            requestId: e.request_id,
            metadata: typeof e.metadata === "string" ? JSON.parse(e.metadata) : e.metadata,
            prevHash: e.prev_hash,
            hash: e.hash,
          })),
        };
        await tx.insert(webhookDeliveries).values({
          id: deliveryId,
          webhookId: id,
          kind: "audit",
          payload: envelope(deliveryId, hook.organization_id, "audit.batch", data),
          auditFromSeq: fromSeq,
          nextAttemptAt: now(),
          createdAt: now(),
        });
        await tx.update(webhooks).set({ auditCursor: toSeq }).where(eq(webhooks.id, id));
        queued++;
        return events.length === AUDIT_BATCH_SIZE;
      });
      if (!more) break;
    }
  }
  return queued;
}

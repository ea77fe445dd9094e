import "server-only";
import { randomUUID } from "node:crypto";
import { and, count, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { boundaryText, fieldErrorsOf, type RequestMeta } from "@/lib/http";
import { rowsOf, type Database } from "@/db";
import { webhookDeliveries, webhooks, WEBHOOK_KINDS, type WebhookKind } from "@/db/schema";
import { auditRequestFields, chainOf, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { randomToken, seal } from "@/lib/crypto";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { badRequest, notFound } from "@/lib/errors";
import { requireRecentMfa } from "@/lib/credentials";
import { authorize } from "@/lib/rbac";
import { deliverDueWebhooks, enqueueTestDelivery, type Sender } from "./delivery";
import { ensureDeliveryWorker } from "./worker";
import { assertWebhookUrlAllowed, webhookGuardProduction } from "./url-guard";

/** Per organization: enough for a SIEM, a chat tool and a spare; more is a sign of misuse. */
export const MAX_WEBHOOKS = 10;
const HISTORY_LIMIT = 50;
const TESTS_PER_MINUTE = 5;

export const webhookInputSchema = z.object({
  url: boundaryText().trim().min(1, { error: "Enter the receiver's URL." }).max(2000),
  kinds: z.array(z.enum(WEBHOOK_KINDS)).min(1, { error: "Choose alerts, the audit stream, or both." }),
});

/** "https://hooks.example.com/…/abcd": enough to recognise a webhook, without the token chat tools put in the path. */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const path = u.pathname.length > 1 ? `/…${u.pathname.slice(-4)}` : "";
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return "(unreadable URL)";
  }
}

export type WebhookView = { id: string; url: string; kinds: WebhookKind[]; active: boolean; createdAt: Date; delivered: number; pending: number; failed: number };

export async function listWebhooks(db: Database, ctx: SessionContext): Promise<WebhookView[]> {
  authorize(ctx, "security:manage");
  ensureDeliveryWorker();
  const rows = await db.select().from(webhooks).where(eq(webhooks.organizationId, ctx.organization.id)).orderBy(webhooks.createdAt);
  if (rows.length === 0) return [];
  const counts = await db
    .select({ webhookId: webhookDeliveries.webhookId, status: webhookDeliveries.status, n: count() })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhooks.organizationId, ctx.organization.id))
    .groupBy(webhookDeliveries.webhookId, webhookDeliveries.status);
  const n = (id: string, status: string) => Number(counts.find((c) => c.webhookId === id && c.status === status)?.n ?? 0);
  return rows.map((r) => ({ id: r.id, url: maskUrl(r.url), kinds: r.kinds, active: r.active, createdAt: r.createdAt, delivered: n(r.id, "delivered"), pending: n(r.id, "pending"), failed: n(r.id, "failed") }));
}

/**
 * Registers a webhook (security:manage + a fresh second factor: a webhook receives security
 * events, so adding one is as sensitive as reading them). Returns the signing secret: the only
 * time it is shown; it is stored sealed to the row. The SIEM cursor starts at the chain's head,
 * so the stream begins with this webhook's own webhook.created event.
 */
export async function createWebhook(db: Database, ctx: SessionContext, input: z.input<typeof webhookInputSchema>, meta: RequestMeta): Promise<{ id: string; secret: string }> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  const result = webhookInputSchema.safeParse(input);
  if (!result.success) throw badRequest("Some fields need attention.", fieldErrorsOf(result.error));
  const parsed = result.data;
  const url = await assertWebhookUrlAllowed(parsed.url, { production: webhookGuardProduction(env()) });
  const kinds = [...new Set(parsed.kinds)];
  const id = randomUUID();
  const secret = `whsec_${randomToken(32)}`;
  await db.transaction(async (tx) => {
    const [{ n }] = (await tx.select({ n: count() }).from(webhooks).where(eq(webhooks.organizationId, ctx.organization.id))) as [{ n: number }];
    if (Number(n) >= MAX_WEBHOOKS) throw badRequest(`An organization can have at most ${MAX_WEBHOOKS} webhooks. Remove one first.`);
    const [head] = rowsOf<{ seq: number | string }>(await tx.execute(sql`select seq from audit_chain_heads where chain = ${chainOf(ctx.organization.id)}`));
    await tx.insert(webhooks).values({
      id,
      organizationId: ctx.organization.id,
      url: url.toString(),
      secret: seal(secret, { table: "webhooks", column: "secret", rowId: id }),
      kinds,
      auditCursor: Number(head?.seq ?? 0),
      createdBy: ctx.user.id,
    });
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "webhook.created",
      result: "success",
      targetType: "webhook",
      targetId: id,
      ...auditRequestFields(meta),
      // The host only: the path and query of chat-tool URLs are credentials.
      metadata: { host: url.host, kinds: kinds.join(",") },
    });
  });
  ensureDeliveryWorker();
  return { id, secret };
}

export async function deleteWebhook(db: Database, ctx: SessionContext, webhookId: string, meta: RequestMeta): Promise<void> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(webhooks)
      .where(and(eq(webhooks.id, webhookId), eq(webhooks.organizationId, ctx.organization.id)))
      .returning({ id: webhooks.id, url: webhooks.url, kinds: webhooks.kinds });
    if (!row) throw notFound("That webhook");
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "webhook.deleted",
      result: "success",
      targetType: "webhook",
      targetId: row.id,
      ...auditRequestFields(meta),
      metadata: { host: new URL(row.url).host, kinds: row.kinds.join(",") },
    });
  });
}

async function ownWebhook(db: Database, ctx: SessionContext, webhookId: string) {
  authorize(ctx, "security:manage");
  const [row] = await db
    .select({ id: webhooks.id, url: webhooks.url, kinds: webhooks.kinds, active: webhooks.active, createdAt: webhooks.createdAt })
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.organizationId, ctx.organization.id)));
  if (!row) throw notFound("That webhook");
  return row;
}

/** Sends a signed test payload now and returns how it went (also kept in the delivery history, retried like any other). */
export async function sendTestWebhook(db: Database, ctx: SessionContext, webhookId: string, opts: { send?: Sender } = {}) {
  await ownWebhook(db, ctx, webhookId);
  // The button must not become a way to hammer someone's server: a few tests a minute per webhook.
  const since = new Date(now().getTime() - 60_000).toISOString();
  const [recent] = rowsOf<{ n: number | string }>(
    await db.execute(sql`select count(*) as n from webhook_deliveries where webhook_id = ${webhookId}::uuid and kind = 'test' and created_at > ${since}::timestamptz`),
  );
  if (Number(recent?.n ?? 0) >= TESTS_PER_MINUTE) throw badRequest("A few test deliveries were just sent. Wait a minute and try again.");
  const deliveryId = await enqueueTestDelivery(db, webhookId, ctx.organization.id);
  await deliverDueWebhooks(db, { onlyId: deliveryId, send: opts.send });
  const [d] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
  return d!;
}

export async function getWebhookWithHistory(db: Database, ctx: SessionContext, webhookId: string) {
  const hook = await ownWebhook(db, ctx, webhookId);
  const history = await db
    .select({
      id: webhookDeliveries.id,
      kind: webhookDeliveries.kind,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.auditFromSeq))
    .limit(HISTORY_LIMIT);
  return { webhook: { ...hook, url: maskUrl(hook.url) }, history };
}

import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { alerts, organizations, type AlertSeverity } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { forbidden, notFound } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { sendMail } from "@/lib/mail";
import { authorize } from "@/lib/rbac";
import { alertMail } from "./alert-mail";
import { enqueueAlertDeliveries } from "./delivery";
import { runDetached } from "./pending";
import { alertRecipients } from "./recipients";

export type RaiseAlertInput = {
  organizationId: string | null;
  rule: string;
  severity: AlertSeverity;
  title: string;
  detail: string;
  dedupeKey: string;
  /** A recurrence later than this after the last one counts as a new episode and notifies again (default 60). */
  windowMinutes?: number;
};

/** created: a new alert (notified); renotified: an open alert came back after its window (notified again). */
export type RaisedAlert = { id: string; count: number; created: boolean; renotified: boolean };

type Bumped = { id: string; count: number; previous: string | Date };

async function bumpOpen(db: Database, a: RaiseAlertInput, at: Date): Promise<Bumped | undefined> {
  // Lock the open alert, remember when it was last seen (to tell a new episode), bump it.
  const result = await db.execute(sql`
    with prev as (
      select id, last_seen_at from alerts
      where organization_id is not distinct from ${a.organizationId}::uuid and dedupe_key = ${a.dedupeKey} and status = 'open'
      for update
    )
    update alerts set count = alerts.count + 1, last_seen_at = ${at.toISOString()}::timestamptz, detail = ${a.detail}
    from prev where alerts.id = prev.id
    returning alerts.id, alerts.count, prev.last_seen_at as previous`);
  return rowsOf<Bumped>(result)[0];
}

/**
 * Raises an alert, or counts a recurrence of the open one with the same (organization, dedupe key).
 * A new alert (or an open one coming back after its window) is recorded in the audit log as
 * alert.raised (which no rule evaluates: no recursion), queued for the organization's alert
 * webhooks, and e-mailed to its security contacts. Runs in a savepoint: a failure here rolls back
 * only the alert, never the caller's transaction.
 */
export async function raiseAlert(db: Database, input: RaiseAlertInput): Promise<RaisedAlert> {
  const at = now();
  const windowMs = (input.windowMinutes ?? 60) * 60_000;
  const a = { ...input, title: input.title.slice(0, 200), detail: input.detail.slice(0, 2000), dedupeKey: input.dedupeKey.slice(0, 300) };
  const outcome = await db.transaction(async (tx) => {
    let bumped = await bumpOpen(tx, a, at);
    if (!bumped) {
      const id = randomUUID();
      const inserted = await tx
        .insert(alerts)
        .values({ id, organizationId: a.organizationId, rule: a.rule, severity: a.severity, title: a.title, detail: a.detail, dedupeKey: a.dedupeKey, firstSeenAt: at, lastSeenAt: at })
        .onConflictDoNothing()
        .returning({ id: alerts.id });
      if (inserted.length) return { id, count: 1, created: true, renotified: false };
      // Another writer opened it between our two statements: count ours on theirs.
      bumped = await bumpOpen(tx, a, at);
      if (!bumped) throw new Error(`alert ${a.dedupeKey} could be neither opened nor counted`);
    }
    const previous = new Date(bumped.previous);
    return { id: bumped.id, count: Number(bumped.count), created: false, renotified: at.getTime() - previous.getTime() > windowMs };
  });
  if (outcome.created || outcome.renotified) await notify(db, a, outcome, at);
  return outcome;
}

async function notify(db: Database, a: RaiseAlertInput, raised: RaisedAlert, at: Date): Promise<void> {
  await recordAudit(db, {
    organizationId: a.organizationId,
    actorUserId: null,
    action: "alert.raised",
    result: "success",
    targetType: "alert",
    targetId: raised.id,
    metadata: { rule: a.rule, severity: a.severity, count: raised.count, repeat: raised.renotified },
  });
  if (a.organizationId) {
    await enqueueAlertDeliveries(db, a.organizationId, {
      type: "alert.raised",
      alert: { id: raised.id, rule: a.rule, severity: a.severity, title: a.title, detail: a.detail, count: raised.count, firstSeenAt: at.toISOString(), lastSeenAt: at.toISOString() },
    });
  }
  const [org] = a.organizationId ? await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, a.organizationId)) : [];
  const recipients = await alertRecipients(db, a.organizationId);
  // E-mail leaves the request: an SMTP server that hangs must not hold the caller (or its transaction).
  runDetached("alert e-mail", async () => {
    for (const to of recipients) {
      await sendMail(alertMail(to, { organizationName: org?.name ?? null, title: a.title, detail: a.detail, severity: a.severity, rule: a.rule, firstSeenAt: at }));
    }
  });
}

export type AlertRow = typeof alerts.$inferSelect;

/** Open alerts first (newest activity first), then the most recent acknowledged ones. */
export async function listAlerts(db: Database, organizationId: string | null, opts: { limit?: number } = {}): Promise<{ open: AlertRow[]; past: AlertRow[] }> {
  const scope = organizationId ? eq(alerts.organizationId, organizationId) : sql`${alerts.organizationId} is null`;
  const limit = opts.limit ?? 100;
  const [open, past] = await Promise.all([
    db.select().from(alerts).where(and(scope, eq(alerts.status, "open"))).orderBy(desc(alerts.lastSeenAt)).limit(limit),
    db.select().from(alerts).where(and(scope, eq(alerts.status, "acknowledged"))).orderBy(desc(alerts.acknowledgedAt)).limit(limit),
  ]);
  return { open, past };
}

/**
 * Acknowledges an open alert of the session's organization (security:manage: see the alerts page
 * for why not audit:read). Another tenant's alert, or one already acknowledged, reads as not found.
 * The next occurrence of the same pattern opens a new alert. `platform`: an operator acknowledges
 * a platform alert (no organization); recorded on the platform chain.
 */
export async function acknowledgeAlert(db: Database, ctx: SessionContext, alertId: string, meta: RequestMeta, opts: { platform?: boolean } = {}): Promise<AlertRow> {
  authorize(ctx, "security:manage");
  if (opts.platform && !ctx.user.isOperator) throw forbidden("Only operators may acknowledge platform alerts.");
  const scope = opts.platform ? isNull(alerts.organizationId) : eq(alerts.organizationId, ctx.organization.id);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(alerts)
      .set({ status: "acknowledged", acknowledgedBy: ctx.user.id, acknowledgedAt: now() })
      .where(and(eq(alerts.id, alertId), scope, eq(alerts.status, "open")))
      .returning();
    if (!row) throw notFound("That open alert");
    await recordAudit(tx, {
      organizationId: opts.platform ? null : ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "alert.acknowledged",
      result: "success",
      targetType: "alert",
      targetId: row.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      requestId: meta.requestId,
      metadata: { rule: row.rule, count: row.count },
    });
    return row;
  });
}

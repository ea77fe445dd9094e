import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { alerts, webhookDeliveries, webhooks } from "@/db/schema";
import { now } from "@/lib/clock";
import { DAY_MS, type CheckResult } from "./types";

/** Failed webhook deliveries count for this long: an old failure someone since fixed should not stay red forever. */
export const WEBHOOK_FAILURE_DAYS = 7;

export async function openAlerts(db: Database, organizationId: string): Promise<{ open: number; serious: number }> {
  const [row] = await db
    .select({
      open: sql<number>`count(*)::int`,
      serious: sql<number>`count(*) filter (where ${alerts.severity} in ('high', 'critical'))::int`,
    })
    .from(alerts)
    .where(and(eq(alerts.organizationId, organizationId), eq(alerts.status, "open")));
  return { open: Number(row?.open ?? 0), serious: Number(row?.serious ?? 0) };
}

export function openAlertsCheck(f: { open: number; serious: number }): CheckResult {
  return {
    key: "open-alerts",
    title: "Open security alerts",
    state: f.serious > 0 ? "failing" : f.open > 0 ? "warning" : "ok",
    finding: f.open === 0 ? "No open alerts." : `${f.open} open alert${f.open === 1 ? "" : "s"}, ${f.serious} of high or critical severity.`,
    why: "An alert nobody looked at may be an attack in progress: failed sign-in spikes, new addresses, export bursts or role escalation.",
    fix: { href: "/admin/alerts", label: "Review and acknowledge alerts", permission: "audit:read" },
  };
}

/** Active webhooks of the organization with a failed delivery lately, or a delivery still being retried. */
export async function webhookHealth(db: Database, organizationId: string): Promise<{ active: number; failing: number; retrying: number }> {
  const since = new Date(now().getTime() - WEBHOOK_FAILURE_DAYS * DAY_MS);
  const [hooks] = await db
    .select({ active: sql<number>`count(*)::int` })
    .from(webhooks)
    .where(and(eq(webhooks.organizationId, organizationId), eq(webhooks.active, true)));
  const [row] = await db
    .select({
      failing: sql<number>`count(distinct ${webhooks.id}) filter (where ${webhookDeliveries.status} = 'failed')::int`,
      retrying: sql<number>`count(distinct ${webhooks.id}) filter (where ${webhookDeliveries.status} = 'pending' and ${webhookDeliveries.attempts} > 0)::int`,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(eq(webhooks.organizationId, organizationId), eq(webhooks.active, true), gt(webhookDeliveries.createdAt, since)));
  return { active: Number(hooks?.active ?? 0), failing: Number(row?.failing ?? 0), retrying: Number(row?.retrying ?? 0) };
}

export function webhooksCheck(f: { active: number; failing: number; retrying: number }): CheckResult {
  return {
    key: "webhooks",
    title: "Alert and audit webhooks",
    state: f.failing > 0 ? "failing" : f.retrying > 0 ? "warning" : "ok",
    finding:
      f.active === 0
        ? "No webhooks: alerts reach people by e-mail and on the Alerts page."
        : f.failing > 0
          ? `${f.failing} of ${f.active} webhooks gave up on a delivery in the last ${WEBHOOK_FAILURE_DAYS} days.`
          : f.retrying > 0
            ? `${f.retrying} of ${f.active} webhooks are retrying a delivery.`
            : `All ${f.active} webhook${f.active === 1 ? "" : "s"} deliver.`,
    why: "A webhook that fails means alerts or the audit stream never reach your chat tool or SIEM, so nobody is told.",
    fix: { href: "/admin/webhooks", label: "Check the webhooks", permission: "security:manage" },
  };
}

export async function monitoringChecks(db: Database, organizationId: string): Promise<CheckResult[]> {
  const [alertFacts, hookFacts] = await Promise.all([openAlerts(db, organizationId), webhookHealth(db, organizationId)]);
  return [openAlertsCheck(alertFacts), webhooksCheck(hookFacts)];
}

import "server-only";
import { and, eq, like } from "drizzle-orm";
import type { Database } from "@/db";
import { alerts } from "@/db/schema";
import { acknowledgeAlert, raiseAlert } from "@/lib/alerts";
import { asDemoOwner, type DemoOwner } from "./seed-session";

const NOTE = "Demo data from npm run dev.";

/**
 * A little alert history for the demo: one alert an admin already acknowledged, one still open.
 * Raised through lib/alerts (audited, queued, mailed to the dev outbox) once per organization.
 */
export async function seedDemoAlerts(db: Database, owner: DemoOwner): Promise<void> {
  const [done] = await db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.organizationId, owner.organizationId), like(alerts.dedupeKey, "demo:%")))
    .limit(1);
  if (done) return;
  const granted = await raiseAlert(db, {
    organizationId: owner.organizationId,
    rule: "privilege_escalation",
    severity: "high",
    title: "Role Admin granted",
    detail: `Priya Patel was given the role Admin, above Member. ${NOTE}`,
    dedupeKey: "demo:privilege_escalation:priya",
  });
  await raiseAlert(db, {
    organizationId: owner.organizationId,
    rule: "failed_sign_in_user",
    severity: "medium",
    title: "Failed sign-ins for one member",
    detail: `6 failed sign-ins or second factors for Taylor Kim within 15 minutes. ${NOTE}`,
    dedupeKey: "demo:failed_sign_in_user:taylor",
  });
  await asDemoOwner(db, owner, (ctx) => acknowledgeAlert(db, ctx, granted.id, { ip: null, userAgent: "ChargeKeep demo seed (npm run dev)", requestId: "demo-seed" }));
}

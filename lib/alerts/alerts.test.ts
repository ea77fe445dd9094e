import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { alerts, alertSettings } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeUser } from "@/tests/factories";
import { acknowledgeAlert, listAlerts, raiseAlert } from "./raise";
import { alertSettingsFormSchema, getAlertSettings, saveAlertSettings } from "./settings";
import { ORGANIZATION_RULES } from "./thresholds";

const db = () => getDb();
const meta = { ip: "203.0.113.5", userAgent: "vitest", requestId: "req-alerts" };

async function ctxOf(userId: string, org: string) {
  return (await validateSessionToken(db(), (await makeSession(userId, org)).token))!;
}

async function steppedUpCtxOf(userId: string, org: string) {
  return (await validateSessionToken(db(), (await makeSteppedUpSession(userId, org)).token))!;
}

async function orgWithAlert() {
  const owner = await makeUser();
  const org = owner.organizationId;
  const raised = await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "Export burst", detail: "d", dedupeKey: "ack-test" });
  return { owner, org, alertId: raised.id, ctx: await ctxOf(owner.user.id, org) };
}

describe("acknowledging alerts", () => {
  it("V16.3.1 an owner acknowledges an open alert; it moves to the past list and the next occurrence opens a new one", async () => {
    const { org, alertId, ctx } = await orgWithAlert();
    const row = await acknowledgeAlert(db(), ctx, alertId, meta);
    expect(row).toMatchObject({ status: "acknowledged", acknowledgedBy: ctx.user.id });
    await expectAudited(db(), { action: "alert.acknowledged", organizationId: org, actorUserId: ctx.user.id, targetId: alertId, metadata: { rule: "export_burst", count: 1 } });
    const list = await listAlerts(db(), org);
    expect(list.open).toHaveLength(0);
    expect(list.past.map((a) => a.id)).toEqual([alertId]);
    const next = await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "Export burst", detail: "d", dedupeKey: "ack-test" });
    expect(next).toMatchObject({ created: true });
    expect(next.id).not.toBe(alertId);
    // acknowledging twice: not found (it is no longer open)
    await expect(acknowledgeAlert(db(), ctx, alertId, meta)).rejects.toMatchObject({ status: 404 });
  });

  it("V8.2.1 only an operator acknowledges a platform alert, recorded on the platform chain; an organization cannot reach it", async () => {
    const platform = await raiseAlert(db(), { organizationId: null, rule: "http_5xx", severity: "high", title: "Burst of server errors", detail: "d", dedupeKey: `platform-ack-${Date.now()}` });
    const owner = await makeUser();
    const ownerCtx = await ctxOf(owner.user.id, owner.organizationId);
    await expect(acknowledgeAlert(db(), ownerCtx, platform.id, meta)).rejects.toMatchObject({ status: 404 });
    await expect(acknowledgeAlert(db(), ownerCtx, platform.id, meta, { platform: true })).rejects.toMatchObject({ status: 403 });
    const operator = await makeUser({ operator: true });
    const opCtx = await ctxOf(operator.user.id, operator.organizationId);
    await acknowledgeAlert(db(), opCtx, platform.id, meta, { platform: true });
    await expectAudited(db(), { action: "alert.acknowledged", organizationId: null, actorUserId: operator.user.id, targetId: platform.id, metadata: { rule: "http_5xx" } });
  });

  it("V8.2.2 another tenant's alert reads as not found", async () => {
    const { alertId } = await orgWithAlert();
    const other = await makeUser();
    await expect(acknowledgeAlert(db(), await ctxOf(other.user.id, other.organizationId), alertId, meta)).rejects.toMatchObject({ status: 404 });
    const [row] = await db().select().from(alerts).where(eq(alerts.id, alertId));
    expect(row!.status).toBe("open");
  });

  it("V8.2.1 a role without security:manage is refused (403), even one that may read the alerts", async () => {
    const { org, alertId } = await orgWithAlert();
    for (const role of ["admin", "member"] as const) {
      const u = await makeUser({ organizationId: org, role });
      await expect(acknowledgeAlert(db(), await ctxOf(u.user.id, org), alertId, meta)).rejects.toMatchObject({ status: 403 });
    }
  });
});

describe("alert settings", () => {
  const form = (over: Record<string, string> = {}) => {
    const f: Record<string, string> = { contacts: "SOC@example.test, oncall@example.test\nsoc@example.test" };
    for (const [k, d] of Object.entries(ORGANIZATION_RULES)) {
      f[`${k}.enabled`] = "on";
      f[`${k}.threshold`] = String(d.threshold);
      f[`${k}.windowMinutes`] = String(d.windowMinutes);
    }
    return { ...f, ...over };
  };

  it("V7.5.3 changing the alert settings needs a fresh second factor", async () => {
    const owner = await makeUser();
    const ctx = await ctxOf(owner.user.id, owner.organizationId);
    const input = alertSettingsFormSchema.parse(form({ "failed_sign_in_user.enabled": "" }));
    await expect(saveAlertSettings(db(), ctx, input, meta)).rejects.toMatchObject({ status: 403 });
    expect(await db().select().from(alertSettings).where(eq(alertSettings.organizationId, owner.organizationId))).toEqual([]);
  });

  it("V16.3.1 saves only overrides and the contacts; audited without the addresses", async () => {
    const owner = await makeUser();
    const ctx = await steppedUpCtxOf(owner.user.id, owner.organizationId);
    const input = alertSettingsFormSchema.parse(form({ "failed_sign_in_user.threshold": "3", "new_sign_in_device.enabled": "" }));
    await saveAlertSettings(db(), ctx, input, meta);
    const [row] = await db().select().from(alertSettings).where(eq(alertSettings.organizationId, owner.organizationId));
    expect(row!.thresholds).toEqual({ failed_sign_in_user: { threshold: 3 }, new_sign_in_device: { enabled: false } });
    expect(row!.securityContacts).toEqual(["soc@example.test", "oncall@example.test"]);
    const event = await expectAudited(db(), { action: "alert_settings.changed", organizationId: owner.organizationId, actorUserId: owner.user.id, metadata: { overridden: "failed_sign_in_user,new_sign_in_device", contacts: 2 } });
    expect(JSON.stringify(event.metadata)).not.toContain("example.test");
    const view = await getAlertSettings(db(), ctx);
    expect(view.rules.failed_sign_in_user.threshold).toBe(3);
    expect(view.rules.new_sign_in_device.enabled).toBe(false);
  });

  it("V2.2.1 refuses out-of-range thresholds and invalid contacts", () => {
    expect(alertSettingsFormSchema.safeParse(form({ "export_burst.threshold": "0" })).success).toBe(false);
    expect(alertSettingsFormSchema.safeParse(form({ "export_burst.windowMinutes": "99999" })).success).toBe(false);
    expect(alertSettingsFormSchema.safeParse(form({ "export_burst.threshold": "2.5" })).success).toBe(false);
    expect(alertSettingsFormSchema.safeParse(form({ contacts: "not-an-address" })).success).toBe(false);
  });

  it("V8.2.1 only security:manage may read or change the settings", async () => {
    const owner = await makeUser();
    const admin = await makeUser({ organizationId: owner.organizationId, role: "admin" });
    const ctx = await ctxOf(admin.user.id, owner.organizationId);
    await expect(getAlertSettings(db(), ctx)).rejects.toMatchObject({ status: 403 });
    await expect(saveAlertSettings(db(), ctx, alertSettingsFormSchema.parse(form()), meta)).rejects.toMatchObject({ status: 403 });
  });
});

import "server-only";
import { requireRecentMfa } from "@/lib/credentials";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { alertSettings } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { badRequest } from "@/lib/errors";
import { fieldErrorsOf, type RequestMeta } from "@/lib/http";
import { authorize } from "@/lib/rbac";
import { effectiveRules, ORGANIZATION_RULE_KEYS, ORGANIZATION_RULES, overridesOf, THRESHOLD_MAX, WINDOW_MINUTES_MAX, type EffectiveRule, type OrganizationRule } from "./thresholds";

export const MAX_SECURITY_CONTACTS = 20;

const ruleSchema = z.object({
  enabled: z.boolean(),
  threshold: z.coerce.number({ error: "Enter a whole number." }).int({ error: "Enter a whole number." }).min(1, { error: "At least 1." }).max(THRESHOLD_MAX, { error: `At most ${THRESHOLD_MAX}.` }),
  windowMinutes: z.coerce
    .number({ error: "Enter a whole number of minutes." })
    .int({ error: "Enter a whole number of minutes." })
    .min(1, { error: "At least 1 minute." })
    .max(WINDOW_MINUTES_MAX, { error: `At most ${WINDOW_MINUTES_MAX} minutes (a day).` }),
});

export const alertSettingsSchema = z.object({
  rules: z.object(Object.fromEntries(ORGANIZATION_RULE_KEYS.map((k) => [k, ruleSchema])) as Record<OrganizationRule, typeof ruleSchema>),
  contacts: z.array(z.email({ error: "Enter valid e-mail addresses." }).max(254)).max(MAX_SECURITY_CONTACTS, { error: `At most ${MAX_SECURITY_CONTACTS} contacts.` }),
});
export type AlertSettingsInput = z.infer<typeof alertSettingsSchema>;

/**
 * The settings form posts flat fields (`<rule>.enabled`, `<rule>.threshold`, `<rule>.windowMinutes`,
 * `contacts` one per line or comma-separated); this turns them into AlertSettingsInput.
 */
export const alertSettingsFormSchema = z
  .record(z.string(), z.unknown())
  .transform((f) => ({
    rules: Object.fromEntries(
      ORGANIZATION_RULE_KEYS.map((k) => [k, { enabled: f[`${k}.enabled`] === "on", threshold: f[`${k}.threshold`] ?? ORGANIZATION_RULES[k].threshold, windowMinutes: f[`${k}.windowMinutes`] }]),
    ),
    contacts: String(f.contacts ?? "")
      .split(/[\s,;]+/)
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  }) as z.input<typeof alertSettingsSchema>)
  .pipe(alertSettingsSchema);

export type AlertSettingsView = { rules: Record<OrganizationRule, EffectiveRule>; contacts: string[] };

export async function getAlertSettings(db: Database, ctx: SessionContext): Promise<AlertSettingsView> {
  authorize(ctx, "security:manage");
  const [row] = await db.select().from(alertSettings).where(eq(alertSettings.organizationId, ctx.organization.id));
  return { rules: effectiveRules(row?.thresholds), contacts: row?.securityContacts ?? [] };
}

/** Saves thresholds (only what differs from the defaults) and contacts; audited without the addresses. */
export async function saveAlertSettings(db: Database, ctx: SessionContext, input: AlertSettingsInput, meta: RequestMeta): Promise<void> {
  authorize(ctx, "security:manage");
  // Turning rules off or raising thresholds blinds the alerts: a fresh second factor, as for webhooks.
  requireRecentMfa(ctx);
  const result = alertSettingsSchema.safeParse(input);
  if (!result.success) throw badRequest("Some fields need attention.", fieldErrorsOf(result.error));
  const parsed = result.data;
  const thresholds = overridesOf(parsed.rules);
  const contacts = [...new Set(parsed.contacts)];
  await db.transaction(async (tx) => {
    const values = { thresholds, securityContacts: contacts.length ? contacts : null, updatedBy: ctx.user.id, updatedAt: now() };
    await tx
      .insert(alertSettings)
      .values({ organizationId: ctx.organization.id, ...values })
      .onConflictDoUpdate({ target: alertSettings.organizationId, set: values });
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "alert_settings.changed",
      result: "success",
      targetType: "organization",
      targetId: ctx.organization.id,
      ...auditRequestFields(meta),
      metadata: {
        overridden: Object.keys(thresholds).join(",") || "none",
        disabled: ORGANIZATION_RULE_KEYS.filter((k) => !parsed.rules[k].enabled).join(",") || "none",
        contacts: contacts.length,
      },
    });
  });
}

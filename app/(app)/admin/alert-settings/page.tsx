import type { Metadata } from "next";
import { AlertsSubnav } from "@/components/alerts/alerts-subnav";
import { getAlertSettings, ORGANIZATION_RULE_KEYS, ORGANIZATION_RULES } from "@/lib/alerts";
import { requirePagePermission } from "@/lib/gate";
import { AlertSettingsForm, type RuleRow } from "./settings-form";

export const metadata: Metadata = { title: "Alert rules" };

export default async function AlertSettingsPage() {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const settings = await getAlertSettings(db, ctx);
  const rules: RuleRow[] = ORGANIZATION_RULE_KEYS.map((key) => {
    const d = ORGANIZATION_RULES[key];
    const r = settings.rules[key];
    return { key, label: d.label, description: d.description, severity: d.severity, counted: d.counted, enabled: r.enabled, threshold: r.threshold, windowMinutes: r.windowMinutes };
  });
  return (
    <section aria-labelledby="alert-settings-title">
      <AlertsSubnav ctx={ctx} current="alert-settings" />
      <h1 id="alert-settings-title" className="mb-1 text-2xl font-semibold">
        Alert rules and contacts
      </h1>
      <p className="mb-6 text-sm text-slate-600">
        A counted rule fires when its threshold of events falls within its window; the others fire on each occurrence. Within the window, a repeat is counted on the open alert instead of
        notifying again.
      </p>
      <AlertSettingsForm rules={rules} contacts={settings.contacts} />
    </section>
  );
}

import "server-only";
/** Velocity alerting and alert delivery (in-app, e-mail, signed webhooks, SIEM stream). See README "Alerts". */
import type { Database } from "@/db";
import type { StoredAuditEvent } from "@/lib/audit";
import { evaluateRules } from "./rules";
import { ensureDeliveryWorker } from "./worker";

export type { AlertSeverity } from "@/db/schema/alerts";
export { raiseAlert, listAlerts, acknowledgeAlert, type RaiseAlertInput, type RaisedAlert, type AlertRow } from "./raise";
export { recordSystemSignal, resetSystemSignals } from "./system-signals";
export { deliverDueWebhooks, queueAuditStream, enqueueAlertDeliveries, backoffMs, MAX_ATTEMPTS, type DeliveryRun, type Sender } from "./delivery";
export { settleAlertWork } from "./pending";
export { ensureDeliveryWorker } from "./worker";
export { signWebhookPayload, verifyWebhookSignature, SIGNATURE_HEADER, DELIVERY_HEADER, EVENT_HEADER } from "./signature";

/** Called by recordAudit after every event (in a savepoint when inside a transaction). */
export async function onAuditRecorded(db: Database, event: StoredAuditEvent): Promise<void> {
  ensureDeliveryWorker();
  await evaluateRules(db, event);
}
export { alertSettingsFormSchema, getAlertSettings, saveAlertSettings } from "./settings";
export { ORGANIZATION_RULES, ORGANIZATION_RULE_KEYS } from "./thresholds";
export { createWebhook, deleteWebhook, getWebhookWithHistory, listWebhooks, sendTestWebhook, webhookInputSchema } from "./webhooks";
export { WEBHOOK_KINDS } from "@/db/schema/alerts";
export { listenToHttpSignals } from "./http-signals";

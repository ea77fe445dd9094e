import "server-only";
/** Velocity alerting and alert delivery (in-app, e-mail, signed webhooks, SIEM stream). See README "Alerts". */
import type { Database } from "@/db";
import { subscribeToAnchorNotices, subscribeToAuditEvents, type AnchorNotice, type StoredAuditEvent } from "@/lib/audit";
import { enqueueAuditAnchorRecords } from "./delivery";
import { raiseAlert } from "./raise";
import { evaluateRules } from "./rules";
import { ensureDeliveryWorker } from "./worker";

export type { AlertSeverity } from "@/db/schema/alerts";
export { raiseAlert, listAlerts, acknowledgeAlert, type RaiseAlertInput, type RaisedAlert, type AlertRow } from "./raise";
export { recordSystemSignal, resetSystemSignals, systemSignalJob } from "./system-signals";
export { deliverDueWebhooks, queueAuditStream, enqueueAlertDeliveries, enqueueAuditAnchorRecords, backoffMs, MAX_ATTEMPTS, type AuditAnchorRecord, type DeliveryRun, type Sender } from "./delivery";
export { settleAlertWork } from "./pending";
export { ensureDeliveryWorker, enqueueDelivery, webhookDeliveryJob } from "./worker";
export { signWebhookPayload, verifyWebhookSignature, SIGNATURE_HEADER, DELIVERY_HEADER, EVENT_HEADER } from "./signature";

/** Runs the alert rules on one recorded audit event. */
async function onAuditRecorded(db: Database, event: StoredAuditEvent): Promise<void> {
  ensureDeliveryWorker();
  await evaluateRules(db, event);
}

/**
 * The alert rules hear every recorded audit event (recordAudit calls its subscribers after the
 * write, in a savepoint when inside a transaction). Every process that records events calls this
 * once at start-up: lib/bootstrap, the CLI commands, the SFTP process, the test setup.
 */
export function listenToAuditEvents(): void {
  subscribeToAuditEvents("alerts", onAuditRecorded);
  subscribeToAnchorNotices("alerts", onAnchorNotice);
}

/** The anchor writer's lines go to each organization's SIEM stream; its alerts are platform alerts. */
async function onAnchorNotice(db: Database, notice: AnchorNotice): Promise<number> {
  if (notice.kind === "records") return enqueueAuditAnchorRecords(db, notice.items);
  const { kind: _kind, ...alert } = notice;
  await raiseAlert(db, { organizationId: null, ...alert });
  return 0;
}
export { alertSettingsFormSchema, getAlertSettings, saveAlertSettings } from "./settings";
export { ORGANIZATION_RULES, ORGANIZATION_RULE_KEYS } from "./thresholds";
export { createWebhook, deleteWebhook, getWebhookWithHistory, listWebhooks, sendTestWebhook, webhookInputSchema } from "./webhooks";
export { WEBHOOK_KINDS } from "@/db/schema/alerts";
export { listenToHttpSignals } from "./http-signals";

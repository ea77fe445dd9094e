import "server-only";
/** Velocity alerting and alert delivery (in-app, e-mail, signed webhooks, SIEM stream). See README "Alerts". */
import type { Database } from "@/db";
import { subscribeToAuditEvents, type StoredAuditEvent } from "@/lib/audit";
import { evaluateRules } from "./rules";
import { ensureDeliveryWorker } from "./worker";

export type { AlertSeverity } from "@/db/schema/alerts";
export { raiseAlert, listAlerts, acknowledgeAlert, type RaiseAlertInput, type RaisedAlert, type AlertRow } from "./raise";
export { recordSystemSignal, resetSystemSignals } from "./system-signals";
export { deliverDueWebhooks, queueAuditStream, enqueueAlertDeliveries, backoffMs, MAX_ATTEMPTS, type DeliveryRun, type Sender } from "./delivery";
export { settleAlertWork } from "./pending";
export { ensureDeliveryWorker } from "./worker";
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
  subscribeToAuditEvents(onAuditRecorded);
}

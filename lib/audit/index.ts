import "server-only";
/** The tamper-evident audit log: record MAC-chained events, anchor the heads outside the database, verify, prune with signed checkpoints. */
export { AUDIT_ACTIONS, isAuditAction, type AuditAction, type AuditSeverity } from "./catalogue";
export { recordAudit, type AuditEventInput, type AuditResult, type StoredAuditEvent } from "./record";
export { subscribeToAnchorNotices, subscribeToAuditEvents, type AnchorListener, type AnchorNotice, type AuditListener } from "./listeners";
export { AuditMetadataError, isSecretKey } from "./metadata";
export { chainOf, GENESIS_HASH, PLATFORM_CHAIN, type AuditMetadata } from "./canonical";
export { verifyChains, type ChainReport, type VerifyReport } from "./verify";
export { anchorStores, writeAuditAnchor, type AnchorWrite, type WriteAnchorOptions } from "./anchor";
export { acknowledgeAnchorBreaks } from "./anchor-acknowledge";
export { anchorRecordValid, parseAnchor, type AnchorBreak, type AnchorRecord, type AnchorReason, type AuditAnchor } from "./anchor-format";
export { ANCHOR_PREFIX, anchorFolder } from "./anchor-store";
export { ANCHOR_KEEP_ALL_DAYS, pruneAuditAnchors, selectKeptAnchors, type AnchorPruneResult } from "./anchor-prune";
export { checkAgainstAnchors, type AnchorCheck, type AnchorFinding } from "./anchor-check";
export { auditAnchorCron, auditAnchorJob } from "./anchor-job";
export { runAuditVerify, type VerifyCommandResult } from "./verify-command";
export { AuditChainBrokenError, pruneAudit, type PruneResult } from "./prune";
export { auditRequestFields, currentAuditMeta } from "./request";
// Reading the log, one operation per file: filters (and their URL form), the page cursor, the rows and
// their view, a page, one event, "your activity", the "who" filter's choices.
export { auditFilterParams, auditFilterShape, datesInOrder, parseAuditFilters, DATES_MESSAGE, type AuditFilters } from "./filters";
export { AUDIT_PAGE_SIZE, listAuditEvents, type AuditPage } from "./list-events";
export type { AuditEventView } from "./event-rows";
export { getAuditEvent } from "./get-event";
export { listMyActivity, summarizeDevices, MY_ACTIVITY_DAYS, type DeviceSummary, type MyActivityItem } from "./my-activity";
export { listActorChoices } from "./actor-choices";
export { AUDIT_EXPORT_FORMATS, auditExportStream, csvCell, type AuditExportFormat } from "./export";
export { recordAuditKeyRotation, recordKeyRotation } from "./key-rotation";
export { exportContentType } from "./export";

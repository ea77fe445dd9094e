import "server-only";
/** The tamper-evident audit log: record MAC-chained events, anchor the heads outside the database, verify, prune with signed checkpoints. */
export { AUDIT_ACTIONS, isAuditAction, type AuditAction, type AuditSeverity } from "./catalogue";
export { recordAudit, type AuditEventInput, type AuditResult, type StoredAuditEvent } from "./record";
export { AuditMetadataError, isSecretKey } from "./metadata";
export { chainOf, GENESIS_HASH, PLATFORM_CHAIN, type AuditMetadata } from "./canonical";
export { verifyChains, type ChainReport, type VerifyReport } from "./verify";
export { anchorStores, writeAuditAnchor, type AnchorWrite, type WriteAnchorOptions } from "./anchor";
export { acknowledgeAnchorBreaks } from "./anchor-acknowledge";
export { anchorRecordValid, parseAnchor, type AnchorBreak, type AnchorRecord, type AnchorReason, type AuditAnchor } from "./anchor-format";
export { ANCHOR_PREFIX, anchorFolder } from "./anchor-store";
export { checkAgainstAnchors, type AnchorCheck, type AnchorFinding } from "./anchor-check";
export { startAuditAnchorTimer, stopAuditAnchorTimer } from "./anchor-schedule";
export { runAuditVerify, type VerifyCommandResult } from "./verify-command";
export { AuditChainBrokenError, pruneAudit, type PruneResult } from "./prune";
export { auditRequestFields, currentAuditMeta } from "./request";
export { AUDIT_PAGE_SIZE, getAuditEvent, listActorChoices, listAuditEvents, listMyActivity, parseAuditFilters, type AuditEventView, type AuditFilters, type AuditPage, type MyActivityItem } from "./query";
export { AUDIT_EXPORT_FORMATS, auditExportStream, type AuditExportFormat } from "./export";
export { recordAuditKeyRotation, recordKeyRotation } from "./key-rotation";

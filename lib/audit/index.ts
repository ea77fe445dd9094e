import "server-only";
/** The tamper-evident audit log: record events, verify chains, prune with signed checkpoints. */
export { AUDIT_ACTIONS, isAuditAction, type AuditAction, type AuditSeverity } from "./catalogue";
export { recordAudit, type AuditEventInput, type AuditResult, type StoredAuditEvent } from "./record";
export { subscribeToAuditEvents, type AuditListener } from "./listeners";
export { AuditMetadataError, isSecretKey } from "./metadata";
export { chainOf, GENESIS_HASH, PLATFORM_CHAIN, type AuditMetadata } from "./canonical";
export { verifyChains, type ChainReport, type VerifyReport } from "./verify";
export { AuditChainBrokenError, pruneAudit, type PruneResult } from "./prune";
export { auditRequestFields, currentAuditMeta } from "./request";
export { AUDIT_PAGE_SIZE, getAuditEvent, listActorChoices, listAuditEvents, listMyActivity, parseAuditFilters, type AuditEventView, type AuditFilters, type AuditPage, type MyActivityItem } from "./query";
export { AUDIT_EXPORT_FORMATS, auditExportStream, type AuditExportFormat } from "./export";
export { recordKeyRotation } from "./key-rotation";

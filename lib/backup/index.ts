import "server-only";

export { createBackup, newBackupName, type BackupOptions, type BackupResult, type TargetResult } from "./create-backup";
export { BackupTamperedError, CHUNK_BYTES, decryptStream, encryptStream } from "./envelope";
export { fetchVerifiedBackup, type FetchedBackup } from "./fetch-backup";
export { listBackups, type ListedBackup } from "./list-backups";
export { DATA_KEY, MANIFEST_KEY, openManifest, type ManifestBody, type TableStat } from "./manifest";
export { BackupToolError, checkPgTools } from "./postgres-tools";
export { pruneBackups, retentionFromEnv, selectKept, type PruneResult, type Retention } from "./prune-backups";
export { restoreBackup, RestoreRefusedError, type RestoreInto, type RestoreOptions, type RestoreResult } from "./restore-backup";
export { markInterruptedRuns, recentRuns, type RunTrigger } from "./runs";
export { runScheduledBackup, type ScheduledResult } from "./scheduled";
export { sourceOf, type BackupSource } from "./source";
export { backupStatus, backupStatusFor, organizationBackupSummary, type BackupStatus, type CopyState, type OrganizationBackupSummary } from "./status";
export { backupTargets } from "./targets";
export { verifyBackup, type VerifyResult } from "./verify-backup";
export { verifyCopies, type CopiesResult, type CopyCheck } from "./verify-copies";
export { currentBackupSource } from "./current-source";
export { backupJob, summarizeScheduled, triggerBackup } from "./job";

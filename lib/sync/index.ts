import "server-only";

// Bank sync (issue 9): accounts, balances and transactions from a connection's FDX API into the
// database, resumably and idempotently. docs/sync.md describes the model.
export { syncConnection, HIGH_WATER_MARGIN_MS, type SyncDeps, type SyncResult, type SyncTrigger } from "./run";
export { dueConnections, requestSync, runDueSyncs, settleRequestedSyncs, type DueRun } from "./schedule";
export { enqueueDueSyncs, syncConnectionJob, syncScheduleJob } from "./jobs";
export { backoffDelayMs } from "./errors";
export { LEASE_MS } from "./lock";
export { markInterruptedSyncs, INTERRUPTED_MESSAGE } from "./recover";
export { getSyncProgress, type SyncProgress, type SyncRunProgress } from "./progress";

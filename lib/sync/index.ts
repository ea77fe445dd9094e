import "server-only";

// Bank sync (issue 9): accounts, balances and transactions from a connection's FDX API into the
// database, resumably and idempotently. docs/sync.md describes the model.
export { syncConnection, HIGH_WATER_MARGIN_MS, type SyncDeps, type SyncResult, type SyncTrigger } from "./run";
export { requestSync, runDueSyncs, settleRequestedSyncs, startSyncScheduler, stopSyncScheduler, type DueRun } from "./schedule";
export { backoffDelayMs } from "./errors";
export { LEASE_MS } from "./lock";
export { markInterruptedSyncs, INTERRUPTED_MESSAGE } from "./recover";

import "server-only";
import type { Database } from "@/db";
import type { StoredAuditEvent } from "./record";

/**
 * Who hears each recorded event. The audit log sits below the capabilities that react to it (the
 * alert rules), so they subscribe at start-up (lib/bootstrap, the CLI commands, the SFTP process,
 * the test setup) instead of the log importing them. On globalThis: one list per process, however
 * often a module is re-evaluated (dev reloads), and a listener is added once.
 */
export type AuditListener = (db: Database, event: StoredAuditEvent) => Promise<void>;

const KEY = Symbol.for("chargekeep.audit.listeners");

function listeners(): Set<AuditListener> {
  const g = globalThis as { [KEY]?: Set<AuditListener> };
  return (g[KEY] ??= new Set());
}

export function subscribeToAuditEvents(listener: AuditListener): void {
  listeners().add(listener);
}

/** Called by recordAudit after every event (in a savepoint when inside a transaction). */
export async function onAuditRecorded(db: Database, event: StoredAuditEvent): Promise<void> {
  for (const listener of listeners()) await listener(db, event);
}

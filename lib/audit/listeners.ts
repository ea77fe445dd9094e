import "server-only";
import type { Database } from "@/db";
import type { AnchorRecord } from "./anchor-format";
import type { StoredAuditEvent } from "./record";

/**
 * Who hears each recorded event. The audit log sits below the capabilities that react to it (the
 * alert rules), so they subscribe at start-up (lib/bootstrap, the CLI commands, the SFTP process,
 * the test setup) instead of the log importing them. On globalThis: one list per process, however
 * often a module is re-evaluated (dev reloads, tests that reset modules), and keyed by name so a
 * re-evaluated module's new copy replaces its old one instead of hearing every event twice.
 */
export type AuditListener = (db: Database, event: StoredAuditEvent) => Promise<void>;

const KEY = Symbol.for("chargekeep.audit.listeners");

function listeners(): Map<string, AuditListener> {
  const g = globalThis as { [KEY]?: Map<string, AuditListener> };
  return (g[KEY] ??= new Map());
}

/** Subscribing again under the same name replaces the listener. */
export function subscribeToAuditEvents(name: string, listener: AuditListener): void {
  listeners().set(name, listener);
}

/** Called by recordAudit after every event (in a savepoint when inside a transaction). */
export async function onAuditRecorded(db: Database, event: StoredAuditEvent): Promise<void> {
  for (const listener of listeners().values()) await listener(db, event);
}

/**
 * What the anchor writer tells its subscribers, for the same reason: the SIEM stream and the alerts
 * live above the audit log. `records`: each changed organization chain's signed line for its audit
 * webhooks (the answer is how many were queued); `alert`: a platform alert to raise.
 */
export type AnchorNotice =
  | { kind: "records"; items: { organizationId: string; record: AnchorRecord }[] }
  | { kind: "alert"; rule: string; severity: "high" | "critical"; title: string; detail: string; dedupeKey: string };
export type AnchorListener = (db: Database, notice: AnchorNotice) => Promise<number>;

const ANCHOR_KEY = Symbol.for("chargekeep.audit.anchor-listeners");

function anchorListeners(): Map<string, AnchorListener> {
  const g = globalThis as { [ANCHOR_KEY]?: Map<string, AnchorListener> };
  return (g[ANCHOR_KEY] ??= new Map());
}

/** Subscribing again under the same name replaces the listener (as for audit events). */
export function subscribeToAnchorNotices(name: string, listener: AnchorListener): void {
  anchorListeners().set(name, listener);
}

/** Tells every subscriber; the sum of their answers. With none (a process that did not subscribe), 0. */
export async function notifyAnchor(db: Database, notice: AnchorNotice): Promise<number> {
  let total = 0;
  for (const listener of anchorListeners().values()) total += await listener(db, notice);
  return total;
}

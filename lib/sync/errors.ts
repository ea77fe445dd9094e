import "server-only";
import { FdxHttpError, FdxShapeError } from "./fdx-client";

/** This run's lease was taken over (it paused past the lease): it stops; its last page is rolled back. */
export class LeaseLostError extends Error {
  constructor() {
    super("sync lease lost");
    this.name = "LeaseLostError";
  }
}

/**
 * The sentence stored in last_error and shown on the connection: what happened and what, if
 * anything, a person should do. Never the raw error (it may carry URLs or bank internals).
 */
export function describeFailure(e: unknown): string {
  if (e instanceof FdxHttpError) {
    if (e.status >= 500) return `The bank's service was unavailable (HTTP ${e.status}). ChargeKeep retries automatically; nothing to do unless this lasts more than a day.`;
    if (e.status === 403) return "The bank refused access to an account (HTTP 403). If you changed which accounts you share, reconnect the bank from Connections.";
    if (e.status === 429) return "The bank asked ChargeKeep to slow down (HTTP 429). ChargeKeep retries automatically later.";
    return `The bank refused a request (HTTP ${e.status}). ChargeKeep retries automatically; if this persists, reconnect the bank from Connections.`;
  }
  if (e instanceof FdxShapeError) return "The bank sent data in a form ChargeKeep does not understand. ChargeKeep retries automatically; if this persists, contact support.";
  if (e instanceof LeaseLostError) return "This sync stopped after its last saved page: the connection changed while it ran (another sync took over, or it was disconnected). Nothing to do.";
  if (e instanceof Error && e.name === "TimeoutError") return "The bank did not answer in time. ChargeKeep retries automatically; nothing to do unless this lasts more than a day.";
  if (e instanceof Error && e.name === "AbortError") return "The sync was interrupted before it finished. The next run resumes where it stopped.";
  if (e instanceof TypeError) return "The bank could not be reached. ChargeKeep retries automatically; nothing to do unless this lasts more than a day.";
  return "The sync stopped on an unexpected error. ChargeKeep retries automatically; if this persists, contact support.";
}

/**
 * lib/banking's ReauthRequiredError, recognised by name: lib/banking is loaded lazily (its index
 * also pulls in the Next UI helpers, which the scheduler's scripts and the benchmark cannot load).
 */
export function isReauth(e: unknown): boolean {
  return e instanceof Error && e.name === "ReauthRequiredError";
}

/** Raised here when a refreshed token is refused too (after markReauthRequired). */
export class SyncReauthRequiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReauthRequiredError";
  }
}

const BACKOFF_BASE_MS = 5 * 60_000;
const BACKOFF_CAP_MS = 6 * 60 * 60_000;

/** Exponential backoff after consecutive failures: 5 min, 10, 20 … capped at 6 hours. */
export function backoffDelayMs(failures: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 20));
}

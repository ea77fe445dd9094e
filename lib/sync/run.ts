import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections, bankSyncRuns } from "@/db/schema/banking";
import { recordSystemSignal } from "@/lib/alerts";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { backoffDelayMs, describeFailure, isReauth, LeaseLostError, SyncReauthRequiredError } from "./errors";
import { FdxClient, FdxHttpError, type TransactionPage, type TransactionQuery } from "./fdx-client";
import { acquireLease, extendLease, releaseLease, type Lease, type Outcome } from "./lock";
import { CategoryCache, removeVanishedPending, saveSyncState, upsertAccounts, writeTransactionPage, type AccountRef, type Counts } from "./store";
import { recordRunAccounts, recordRunCounts } from "./progress";
import { parseSyncState, type SyncState } from "./sync-state";

export type SyncTrigger = "initial" | "scheduled" | "manual";
/** "not_due": a scheduled run found the connection synced meanwhile (next_sync_at ahead) and did nothing. */
export type SyncResult = { status: "succeeded" | "failed" | "reauth_required" | "locked" | "not_due"; added: number; modified: number; removed: number };

export type SyncDeps = {
  /** Access token provider (lib/banking's by default); `forceRefresh` after a 401. */
  getApiAccess: (db: Database, connectionId: string, opts?: { forceRefresh?: boolean }) => Promise<{ accessToken: string; apiBaseUrl: string }>;
  markReauthRequired: (db: Database, connectionId: string, reason: string) => Promise<void>;
  recordSignal: (kind: "sync_failure", detail: { organizationId: string }) => void;
  /** Stops the run between requests (shutdown, tests' simulated crash). */
  signal?: AbortSignal;
  /** Called after each committed page (tests inject faults here). */
  onPageCommitted?: (info: { accountExternalId: string; pages: number }) => void | Promise<void>;
  fetchImpl?: typeof fetch;
};

// lib/banking is imported when first needed (see isReauth in ./errors for why).
const defaultDeps: SyncDeps = {
  getApiAccess: async (db, id, opts) => {
    const get = (await import("@/lib/banking")).getApiAccess as SyncDeps["getApiAccess"];
    return get(db, id, opts);
  },
  markReauthRequired: async (db, id, reason) => (await import("@/lib/banking")).markReauthRequired(db, id, reason),
  recordSignal: recordSystemSignal,
};

/** Re-read this much before the high-water mark: clocks and commit order at the bank are not exact. */
export const HIGH_WATER_MARGIN_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/**
 * What the server log gets: the error's kind and, for a database error, its SQLSTATE and message;
 * never a failed query's text or parameters (drizzle puts the page's transactions in its message).
 */
function logLine(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  const cause = e.cause as { code?: unknown; message?: unknown } | undefined;
  // A failed query and a failed fetch (the bank unreachable) both carry a cause with a code.
  const where = e.message.startsWith("Failed query") ? "database " : "";
  if (cause && typeof cause === "object" && typeof cause.code === "string") return `${e.name} (${where}${cause.code}: ${String(cause.message).slice(0, 200)})`;
  return e.message.startsWith("Failed query") ? e.name : `${e.name}: ${e.message.slice(0, 200)}`;
}

const EMPTY = { added: 0, modified: 0, removed: 0 };
const add = (a: Counts, b: Counts) => ({ added: a.added + b.added, modified: a.modified + b.modified, removed: a.removed + b.removed });

/**
 * The API with one retry after a 401: the token is asked for again (refreshed) and the request
 * repeated once. A fresh token refused too means the grant is gone at the bank: reauth_required.
 * (Per request, not per run: a long first sync may outlive a token and refresh more than once.)
 */
class ApiSession {
  private client?: FdxClient;
  constructor(private readonly db: Database, private readonly connectionId: string, private readonly deps: SyncDeps) {}

  private async open(forceRefresh: boolean) {
    const access = await this.deps.getApiAccess(this.db, this.connectionId, forceRefresh ? { forceRefresh } : undefined);
    this.client = new FdxClient({ apiBaseUrl: access.apiBaseUrl, accessToken: access.accessToken, signal: this.deps.signal, fetchImpl: this.deps.fetchImpl });
    return this.client;
  }

  async call<T>(fn: (c: FdxClient) => Promise<T>): Promise<T> {
    this.deps.signal?.throwIfAborted();
    try {
      return await fn(this.client ?? (await this.open(false)));
    } catch (e) {
      if (!isUnauthorized(e)) throw e;
    }
    try {
      return await fn(await this.open(true));
    } catch (e) {
      if (!isUnauthorized(e)) throw e;
      const reason = "The bank no longer accepts this connection's access. Re-authorize the connection from Connections to resume syncing.";
      await this.deps.markReauthRequired(this.db, this.connectionId, reason);
      throw new SyncReauthRequiredError(reason);
    }
  }
}

const isUnauthorized = (e: unknown) => e instanceof FdxHttpError && e.status === 401;

/** `counts` grows with each committed transaction only: a run that fails reports what it did write. */
type Ctx = { db: Database; runId: string; lease: Lease; api: ApiSession; deps: SyncDeps; categories: CategoryCache; pages: number; counts: Counts };

/**
 * Streams pages of one query into the database; `commit` runs inside each page's transaction.
 * The next page is fetched while this one is written (at most two pages in memory): the bank's
 * latency and the database's overlap instead of adding up.
 */
async function streamPages(ctx: Ctx, account: AccountRef, query: Omit<TransactionQuery, "offset">, startOffset: string | undefined, commit: (tx: Database, page: TransactionPage) => Promise<void>): Promise<void> {
  const fetchPage = (offset: string | undefined) => ctx.api.call((c) => c.transactionPage(account.externalId, { ...query, offset }));
  let next: Promise<TransactionPage> | undefined = fetchPage(startOffset);
  while (next) {
    const page: TransactionPage = await next;
    // Stopping (shutdown) takes effect between pages, even when the next one already arrived.
    ctx.deps.signal?.throwIfAborted();
    next = page.nextOffset ? fetchPage(page.nextOffset) : undefined;
    // If this page's write fails, the prefetch's own failure is not the story: keep it from surfacing unhandled.
    next?.catch(() => {});
    const at = now();
    const written = await ctx.db.transaction(async (tx) => {
      // The lease check and extension ride in the page's transaction: a run that lost its lease writes nothing more.
      if (!(await extendLease(tx, ctx.lease, at))) throw new LeaseLostError();
      const c = await writeTransactionPage(tx, ctx.lease.organizationId, account.id, page.transactions, ctx.categories, at);
      await commit(tx, page);
      // The run's counters commit with the page: the connection page's progress never runs ahead of the rows.
      await recordRunCounts(tx, ctx.runId, add(ctx.counts, c), at);
      return c;
    });
    ctx.counts = add(ctx.counts, written);
    ctx.pages++;
    await ctx.deps.onPageCommitted?.({ accountExternalId: account.externalId, pages: ctx.pages });
  }
}

const highWater = (page: TransactionPage, previous?: number) =>
  page.transactions.reduce((max, t) => Math.max(max, Date.parse(t.updatedTimestamp)), previous ?? 0) || undefined;

async function syncAccount(ctx: Ctx, account: AccountRef): Promise<void> {
  let state: SyncState = parseSyncState(account.syncState);
  const save = async (tx: Database, next: SyncState) => {
    state = next;
    await saveSyncState(tx, account.id, next, now());
  };
  if (!state.initialDone) {
    // First full read (or its resumption): the bank's keyset cursor saved with every page.
    await streamPages(ctx, account, {}, state.initialOffset, (tx, page) =>
      save(tx, { v: 1, initialDone: !page.nextOffset, initialOffset: page.nextOffset, highWaterMs: highWater(page, state.highWaterMs) }),
    );
  } else {
    const since = new Date(Math.max(0, (state.highWaterMs ?? 0) - HIGH_WATER_MARGIN_MS));
    await streamPages(ctx, account, { updatedSince: since }, undefined, (tx, page) => save(tx, { ...state, highWaterMs: highWater(page, state.highWaterMs) }));
  }
  // The trailing window, re-read by transaction date: pending rows the bank no longer returns there are gone.
  const windowStart = new Date(now().getTime() - env().BANK_SYNC_WINDOW_DAYS * DAY_MS).toISOString().slice(0, 10);
  const seenPending = new Set<string>();
  await streamPages(ctx, account, { startTime: windowStart }, undefined, async (_tx, page) => {
    for (const t of page.transactions) if (t.status === "PENDING") seenPending.add(t.transactionId);
  });
  const removed = await ctx.db.transaction(async (tx) => {
    if (!(await extendLease(tx, ctx.lease, now()))) throw new LeaseLostError();
    return removeVanishedPending(tx, account.id, windowStart, seenPending);
  });
  ctx.counts = add(ctx.counts, { added: 0, modified: 0, removed });
}

async function whyNotAcquired(db: Database, connectionId: string, at: Date, onlyIfDue: boolean): Promise<SyncResult["status"]> {
  const [row] = await db.select({ status: bankConnections.status, nextSyncAt: bankConnections.nextSyncAt, lockedUntil: bankConnections.syncLockedUntil }).from(bankConnections).where(eq(bankConnections.id, connectionId));
  if (!row || row.status === "disconnected") return "failed";
  if (row.status === "reauth_required") return "reauth_required";
  if (row.lockedUntil && row.lockedUntil >= at) return "locked";
  return onlyIfDue && row.nextSyncAt && row.nextSyncAt > at ? "not_due" : "locked";
}

/** Runs one sync of one connection now, holding its lock; "locked" if another sync holds it. */
export async function syncConnection(db: Database, connectionId: string, trigger: SyncTrigger, deps: Partial<SyncDeps> = {}, opts: { onlyIfDue?: boolean } = {}): Promise<SyncResult> {
  const d: SyncDeps = { ...defaultDeps, ...deps };
  const asked = now();
  const lease = await acquireLease(db, connectionId, asked, opts);
  if (!lease) return { status: await whyNotAcquired(db, connectionId, asked, Boolean(opts.onlyIfDue)), ...EMPTY };
  const [run] = await db.insert(bankSyncRuns).values({ organizationId: lease.organizationId, connectionId, trigger, startedAt: now() }).returning({ id: bankSyncRuns.id });
  const ctx: Ctx = { db, runId: run!.id, lease, api: new ApiSession(db, connectionId, d), deps: d, categories: new CategoryCache(lease.organizationId), pages: 0, counts: EMPTY };
  let outcome: Outcome;
  try {
    const accounts = await ctx.api.call((c) => c.accounts());
    const refs = await upsertAccounts(db, lease.organizationId, connectionId, accounts, now());
    await recordRunAccounts(db, ctx.runId, { total: refs.length, done: 0 }, now());
    for (const [i, ref] of refs.entries()) {
      await syncAccount(ctx, ref);
      await recordRunAccounts(db, ctx.runId, { done: i + 1 }, now());
    }
    outcome = { kind: "succeeded", nextSyncAt: new Date(now().getTime() + env().BANK_SYNC_INTERVAL_MINUTES * 60_000) };
  } catch (e) {
    if (isReauth(e)) outcome = { kind: "reauth_required" };
    else {
      const message = describeFailure(e);
      console.error(`[sync] connection ${connectionId} failed: ${logLine(e)}`);
      outcome = { kind: "failed", message, backoff: (failures) => new Date(now().getTime() + backoffDelayMs(failures)) };
    }
  }
  const at = now();
  await releaseLease(db, lease, at, outcome);
  const status = outcome.kind;
  await db
    .update(bankSyncRuns)
    .set({ status, ...ctx.counts, error: outcome.kind === "failed" ? outcome.message : null, updatedAt: at, finishedAt: at })
    .where(eq(bankSyncRuns.id, run!.id));
  if (status === "failed") d.recordSignal("sync_failure", { organizationId: lease.organizationId });
  return { status, ...ctx.counts };
}

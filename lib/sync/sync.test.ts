import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { bankAccounts, bankBalances, bankConnections, bankSyncRuns, bankTransactions } from "@/db/schema/banking";
import { blindIndex } from "@/lib/crypto";
import type { SandboxBank } from "@/sandbox-bank/bank";
import type { InstitutionState } from "@/sandbox-bank/institution-state";
import { admin, api } from "@/tests/support/sandbox-browser";
import { expectAudited } from "@/tests/audit";
import { makeUser } from "@/tests/factories";
import { backoffDelayMs, requestSync, runDueSyncs, settleRequestedSyncs, syncConnection, type SyncDeps } from "./index";
import { connectSandbox, type TestConnection } from "@/tests/support/sync";
import { startTestBank } from "@/tests/support/sandbox-browser";

let sandbox: SandboxBank;
let northwind: InstitutionState;
let harbor: InstitutionState;
const db = () => getDb();
const DEMO_ACCOUNTS = ["nw-chk-1001", "nw-sav-1002", "nw-cc-1003"];

type ApiTxn = { transactionId: string; status: string; amountMinor: number };
const unwrap = (t: Record<string, ApiTxn>) => Object.values(t)[0]!;

/** The bank's full set for an account, read straight from the API (independently of lib/sync). */
async function bankSet(bank: InstitutionState, token: string, accountId: string): Promise<ApiTxn[]> {
  const out: ApiTxn[] = [];
  let offset = "";
  for (;;) {
    const res = await api(bank, `/accounts/${accountId}/transactions?limit=1000${offset ? `&offset=${encodeURIComponent(offset)}` : ""}`, token);
    const body = (await res.json()) as { page: { nextOffset?: string }; transactions: Record<string, ApiTxn>[] };
    out.push(...body.transactions.map(unwrap));
    if (!body.page.nextOffset) return out;
    offset = body.page.nextOffset;
  }
}

async function rowsOf(connectionId: string, externalAccountId: string) {
  const [acct] = await db().select().from(bankAccounts).where(and(eq(bankAccounts.connectionId, connectionId), eq(bankAccounts.externalId, externalAccountId)));
  if (!acct) return { acct, txns: [] };
  const txns = await db().select().from(bankTransactions).where(eq(bankTransactions.accountId, acct.id));
  return { acct, txns };
}

async function expectMatchesBank(c: TestConnection, bank: InstitutionState, accountId: string) {
  const expected = await bankSet(bank, c.tokens.access, accountId);
  const { txns } = await rowsOf(c.connectionId, accountId);
  expect(txns.map((t) => t.externalId).sort()).toEqual(expected.map((t) => t.transactionId).sort());
  const sum = (xs: { amountMinor: number }[]) => xs.reduce((s, t) => s + t.amountMinor, 0);
  expect(sum(txns)).toBe(sum(expected));
  for (const t of txns) expect(Number.isSafeInteger(t.amountMinor)).toBe(true);
}

const connection = async (id: string) => (await db().select().from(bankConnections).where(eq(bankConnections.id, id)))[0]!;
const signalSpy = () => vi.fn<SyncDeps["recordSignal"]>();

beforeAll(async () => {
  sandbox = await startTestBank({ largeTransactions: 4_500 });
  [northwind, harbor] = sandbox.institutions as [InstitutionState, InstitutionState];
});
afterAll(() => sandbox.close());

describe("lib/sync against the sandbox bank", () => {
  let demo: TestConnection;

  beforeAll(async () => {
    const { organizationId } = await makeUser();
    demo = await connectSandbox(db(), northwind, organizationId, { accounts: DEMO_ACCOUNTS });
  });

  it("V2.2.1 initial sync brings accounts, balances and every transaction in minor units; totals equal the bank's", async () => {
    const result = await syncConnection(db(), demo.connectionId, "initial", demo.deps);
    expect(result.status).toBe("succeeded");
    expect(result.added).toBeGreaterThan(1_000);
    for (const id of DEMO_ACCOUNTS) await expectMatchesBank(demo, northwind, id);

    const { acct: checking } = await rowsOf(demo.connectionId, "nw-chk-1001");
    expect(checking).toMatchObject({ type: "checking", currency: "USD", mask: "1001", accountNumber: "1200451001", name: "Everyday Checking" });
    expect(checking!.accountNumberIndex).toBe(blindIndex("1200451001", { table: "bank_accounts", column: "account_number" }));
    const { acct: card } = await rowsOf(demo.connectionId, "nw-cc-1003");
    expect(card!.type).toBe("credit_card");
    // Current balance = opening + posted transactions, for the card too (stored in the ledger's sign).
    for (const [id, acct] of [["nw-chk-1001", checking], ["nw-cc-1003", card]] as const) {
      const posted = (await bankSet(northwind, demo.tokens.access, id)).filter((t) => t.status === "POSTED").reduce((s, t) => s + t.amountMinor, 0);
      const opening = northwind.spec.users[0]!.accounts.find((a) => a.id === id)!.openingBalance;
      expect(acct!.currentBalanceMinor).toBe(opening + posted);
    }
    const balances = await db().select().from(bankBalances).where(eq(bankBalances.accountId, checking!.id));
    expect(balances).toHaveLength(1);
    expect(balances[0]!.currentMinor).toBe(checking!.currentBalanceMinor);

    const conn = await connection(demo.connectionId);
    expect(conn).toMatchObject({ status: "active", failureCount: 0, lastError: null, syncLockToken: null });
    expect(conn.lastSyncedAt).toBeInstanceOf(Date);
    expect(conn.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const [run] = await db().select().from(bankSyncRuns).where(eq(bankSyncRuns.connectionId, demo.connectionId));
    expect(run).toMatchObject({ status: "succeeded", trigger: "initial", added: result.added });
  });

  it("V2.3.3 runs twice with the same rows: nothing added, modified or removed", async () => {
    const before = (await rowsOf(demo.connectionId, "nw-chk-1001")).txns.map((t) => `${t.id}:${t.updatedAt.getTime()}`).sort();
    const again = await syncConnection(db(), demo.connectionId, "manual", demo.deps);
    expect(again).toEqual({ status: "succeeded", added: 0, modified: 0, removed: 0 });
    const after = (await rowsOf(demo.connectionId, "nw-chk-1001")).txns.map((t) => `${t.id}:${t.updatedAt.getTime()}`).sort();
    expect(after).toEqual(before);
  });

  it("V2.3.3 a pending transaction that posts becomes one posted row, never a duplicate", async () => {
    const added = (await (await admin(northwind, "/transactions/add", { accountId: "nw-cc-1003", count: 1, pending: true })).json()) as { ids: string[] };
    const pendingId = added.ids[0]!;
    expect(await syncConnection(db(), demo.connectionId, "manual", demo.deps)).toEqual({ status: "succeeded", added: 1, modified: 0, removed: 0 });
    let { txns } = await rowsOf(demo.connectionId, "nw-cc-1003");
    expect(txns.filter((t) => t.externalId === pendingId)).toMatchObject([{ status: "pending" }]);

    const posted = (await (await admin(northwind, "/transactions/post-pending", { accountId: "nw-cc-1003", transactionId: pendingId })).json()) as { posted: { id: string } };
    expect(await syncConnection(db(), demo.connectionId, "manual", demo.deps)).toEqual({ status: "succeeded", added: 1, modified: 0, removed: 1 });
    ({ txns } = await rowsOf(demo.connectionId, "nw-cc-1003"));
    expect(txns.filter((t) => t.externalId === pendingId)).toHaveLength(0);
    expect(txns.filter((t) => t.externalId === posted.posted.id)).toMatchObject([{ status: "posted", pendingExternalId: pendingId }]);
    await expectMatchesBank(demo, northwind, "nw-cc-1003");
  });

  it("V2.2.3 a pending transaction the bank stops returning inside the window disappears", async () => {
    // The sandbox cannot cancel a pending transaction; a stale pending row inside the window is what one looks like to the sync.
    const { acct } = await rowsOf(demo.connectionId, "nw-chk-1001");
    const today = new Date().toISOString().slice(0, 10);
    const stale = { organizationId: demo.organizationId, accountId: acct!.id, status: "pending" as const, bookedOn: today, amountMinor: -1234, currency: "USD", description: "Cancelled hold" };
    await db().insert(bankTransactions).values([{ ...stale, externalId: "cancelled-1-pending" }, { ...stale, externalId: "too-old-pending", bookedOn: "2000-01-01" }]);
    const result = await syncConnection(db(), demo.connectionId, "manual", demo.deps);
    expect(result).toEqual({ status: "succeeded", added: 0, modified: 0, removed: 1 });
    const left = (await rowsOf(demo.connectionId, "nw-chk-1001")).txns.map((t) => t.externalId);
    expect(left).not.toContain("cancelled-1-pending");
    // Outside the window the sync does not judge (documented): that row stays.
    expect(left).toContain("too-old-pending");
    await db().delete(bankTransactions).where(eq(bankTransactions.externalId, "too-old-pending"));
  });

  it("V2.3.4 V15.4.2 refuses a concurrent sync of the same connection: 'locked', and it touches nothing", async () => {
    const runsBefore = (await db().select().from(bankSyncRuns).where(eq(bankSyncRuns.connectionId, demo.connectionId))).length;
    const [a, b] = await Promise.all([syncConnection(db(), demo.connectionId, "manual", demo.deps), syncConnection(db(), demo.connectionId, "manual", demo.deps)]);
    expect([a.status, b.status].sort()).toEqual(["locked", "succeeded"]);
    expect([a, b].find((r) => r.status === "locked")).toEqual({ status: "locked", added: 0, modified: 0, removed: 0 });
    const runsAfter = (await db().select().from(bankSyncRuns).where(eq(bankSyncRuns.connectionId, demo.connectionId))).length;
    expect(runsAfter).toBe(runsBefore + 1);
  });

  it("V15.4.3 a crashed holder's lease lapses; a live one is respected", async () => {
    await db().update(bankConnections).set({ syncLockToken: "crashed", syncLockedUntil: new Date(Date.now() + 60_000) }).where(eq(bankConnections.id, demo.connectionId));
    expect((await syncConnection(db(), demo.connectionId, "manual", demo.deps)).status).toBe("locked");
    await db().update(bankConnections).set({ syncLockedUntil: new Date(Date.now() - 1_000) }).where(eq(bankConnections.id, demo.connectionId));
    expect((await syncConnection(db(), demo.connectionId, "manual", demo.deps)).status).toBe("succeeded");
    expect((await connection(demo.connectionId)).syncLockToken).toBeNull();
  });

  it("V16.5.2 V16.3.4 a 5xx from the bank: status error, a sentence, failure count, exponential backoff and a system signal", async () => {
    const recordSignal = signalSpy();
    await admin(northwind, "/faults", { failNext: 2, status: 503 });
    try {
      const first = await syncConnection(db(), demo.connectionId, "manual", { ...demo.deps, recordSignal });
      expect(first.status).toBe("failed");
      let conn = await connection(demo.connectionId);
      expect(conn).toMatchObject({ status: "error", failureCount: 1, syncLockToken: null });
      expect(conn.lastError).toMatch(/unavailable \(HTTP 503\).*retries automatically/);
      const firstDelay = conn.nextSyncAt!.getTime() - conn.lastSyncAttemptAt!.getTime();
      expect(recordSignal).toHaveBeenCalledWith("sync_failure", { organizationId: demo.organizationId });
      await syncConnection(db(), demo.connectionId, "manual", { ...demo.deps, recordSignal });
      conn = await connection(demo.connectionId);
      expect(conn.failureCount).toBe(2);
      expect(conn.nextSyncAt!.getTime() - conn.lastSyncAttemptAt!.getTime()).toBeGreaterThanOrEqual(firstDelay * 2 - 1_000);
      const [run] = await db().select().from(bankSyncRuns).where(and(eq(bankSyncRuns.connectionId, demo.connectionId), eq(bankSyncRuns.status, "failed")));
      expect(run!.error).toMatch(/HTTP 503/);
    } finally {
      await admin(northwind, "/reset");
    }
    expect((await syncConnection(db(), demo.connectionId, "scheduled", demo.deps)).status).toBe("succeeded");
    expect(await connection(demo.connectionId)).toMatchObject({ status: "active", failureCount: 0, lastError: null });
  });

  it("V16.5.2 asks for a fresh token once after a 401 and carries on", async () => {
    const getApiAccess = vi.fn<SyncDeps["getApiAccess"]>(async (d, id, opts) => (opts?.forceRefresh ? demo.deps.getApiAccess(d, id, opts) : { accessToken: "not-a-valid-token", apiBaseUrl: northwind.apiAudience }));
    const result = await syncConnection(db(), demo.connectionId, "manual", { ...demo.deps, getApiAccess });
    expect(result.status).toBe("succeeded");
    expect(getApiAccess).toHaveBeenCalledTimes(2);
    expect(getApiAccess.mock.calls[1]![2]).toEqual({ forceRefresh: true });
  });

  it("V8.4.1 keeps two organizations connected to the same bank user apart", async () => {
    const { organizationId } = await makeUser();
    const other = await connectSandbox(db(), northwind, organizationId, { accounts: ["nw-chk-1001"] });
    expect((await syncConnection(db(), other.connectionId, "initial", other.deps)).status).toBe("succeeded");
    const mine = await rowsOf(demo.connectionId, "nw-chk-1001");
    const theirs = await rowsOf(other.connectionId, "nw-chk-1001");
    expect(theirs.acct!.organizationId).toBe(organizationId);
    expect(theirs.acct!.id).not.toBe(mine.acct!.id);
    expect(theirs.txns.every((t) => t.organizationId === organizationId)).toBe(true);
    expect(theirs.txns.map((t) => t.externalId).sort()).toEqual(mine.txns.map((t) => t.externalId).sort());
    // The other organization consented to one account only: it has no others.
    const accounts = await db().select().from(bankAccounts).where(eq(bankAccounts.organizationId, organizationId));
    expect(accounts.map((a) => a.externalId)).toEqual(["nw-chk-1001"]);
  });

  it("V2.3.3 V16.5.3 resumes an initial sync killed after two pages: exactly the bank's set, no duplicates", async () => {
    const { organizationId } = await makeUser();
    const large = await connectSandbox(db(), northwind, organizationId, { email: "large@northwind.example", password: "northwind-large", accounts: ["nw-chk-9001"] });
    const crash = new AbortController();
    const killed = await syncConnection(db(), large.connectionId, "initial", {
      ...large.deps,
      recordSignal: signalSpy(),
      signal: crash.signal,
      onPageCommitted: ({ pages }) => (pages === 2 ? crash.abort() : undefined),
    });
    // What was committed before the crash is reported as such (the run row too).
    expect(killed).toMatchObject({ status: "failed", added: 2_000 });
    const partial = await rowsOf(large.connectionId, "nw-chk-9001");
    expect(partial.txns).toHaveLength(2_000);
    expect(partial.acct!.syncState).toMatchObject({ initialDone: false, initialOffset: expect.any(String) });
    expect((await connection(large.connectionId)).lastError).toMatch(/resumes where it stopped/);

    const resumed = await syncConnection(db(), large.connectionId, "manual", large.deps);
    expect(resumed.status).toBe("succeeded");
    const expected = await bankSet(northwind, large.tokens.access, "nw-chk-9001");
    expect(expected.length).toBeGreaterThan(4_000);
    expect(resumed.added).toBe(expected.length - 2_000);
    await expectMatchesBank(large, northwind, "nw-chk-9001");
    expect((await rowsOf(large.connectionId, "nw-chk-9001")).acct!.syncState).toMatchObject({ initialDone: true });
  });

  it("V16.5.3 a revoked grant ends in reauth_required, without a failure signal", async () => {
    const { organizationId } = await makeUser();
    const sam = await connectSandbox(db(), northwind, organizationId, { email: "sam@northwind.example", password: "northwind-sam", accounts: ["nw-chk-2001", "nw-cc-2002"] });
    await admin(northwind, "/grant/revoke", { email: "sam@northwind.example" });
    const recordSignal = signalSpy();
    const result = await syncConnection(db(), sam.connectionId, "manual", { ...sam.deps, recordSignal });
    expect(result).toEqual({ status: "reauth_required", added: 0, modified: 0, removed: 0 });
    expect(await connection(sam.connectionId)).toMatchObject({ status: "reauth_required", syncLockToken: null });
    expect(recordSignal).not.toHaveBeenCalled();
    const [run] = await db().select().from(bankSyncRuns).where(eq(bankSyncRuns.connectionId, sam.connectionId));
    expect(run!.status).toBe("reauth_required");
    // Waiting for the user: neither a manual nor a scheduled sync runs it.
    expect((await syncConnection(db(), sam.connectionId, "manual", sam.deps)).status).toBe("reauth_required");
  });

  it("V16.5.3 an expired consent ends in reauth_required", async () => {
    const { organizationId } = await makeUser();
    const hb = await connectSandbox(db(), harbor, organizationId, { accounts: ["hb-chk-3001"] });
    expect((await syncConnection(db(), hb.connectionId, "initial", hb.deps)).status).toBe("succeeded");
    await admin(harbor, "/consent/expire", { email: "demo@harbor.example" });
    expect((await syncConnection(db(), hb.connectionId, "scheduled", hb.deps)).status).toBe("reauth_required");
    expect((await connection(hb.connectionId)).status).toBe("reauth_required");
  });

  it("V15.4.3 runDueSyncs runs due connections only", async () => {
    const { organizationId } = await makeUser();
    const due = await connectSandbox(db(), harbor, organizationId, { email: "demo@harbor.example", password: "harbor-demo", accounts: ["hb-sav-3002"] });
    const notDue = await connectSandbox(db(), harbor, organizationId, { accounts: ["hb-sav-3002"] });
    // Left "syncing" by a crashed run, its lease lapsed: due again.
    await db().update(bankConnections).set({ nextSyncAt: new Date(0), status: "syncing", syncLockToken: "crashed", syncLockedUntil: new Date(Date.now() - 1_000) }).where(eq(bankConnections.id, due.connectionId));
    await db().update(bankConnections).set({ nextSyncAt: new Date(Date.now() + 3_600_000) }).where(eq(bankConnections.id, notDue.connectionId));
    // Only this test's connection is that overdue: limit 1 picks it first (and another file's connections are left alone).
    const runs = await runDueSyncs(db(), { limit: 1, deps: due.deps });
    expect(runs).toEqual([{ connectionId: due.connectionId, result: expect.objectContaining({ status: "succeeded" }) }]);
    const synced = await db().select({ id: bankAccounts.connectionId }).from(bankAccounts).where(inArray(bankAccounts.connectionId, [due.connectionId, notDue.connectionId]));
    expect(synced.map((r) => r.id)).toEqual([due.connectionId]);
  });
  it("V15.4.2 a run that lost its lease writes nothing more and leaves the new holder's lock alone", async () => {
    const { organizationId } = await makeUser();
    const large = await connectSandbox(db(), northwind, organizationId, { email: "large@northwind.example", password: "northwind-large", accounts: ["nw-chk-9001"] });
    const result = await syncConnection(db(), large.connectionId, "initial", {
      ...large.deps,
      recordSignal: signalSpy(),
      // Another worker takes over (as if this one had paused past its lease) after the first page.
      onPageCommitted: async ({ pages }) => {
        if (pages === 1) await db().update(bankConnections).set({ syncLockToken: "other-holder", syncLockedUntil: new Date(Date.now() + 60_000) }).where(eq(bankConnections.id, large.connectionId));
      },
    });
    expect(result.status).toBe("failed");
    expect((await rowsOf(large.connectionId, "nw-chk-9001")).txns).toHaveLength(1_000);
    expect(await connection(large.connectionId)).toMatchObject({ syncLockToken: "other-holder", status: "syncing" });
  });

  it("V1.5.3 V2.2.1 refuses a malformed bank answer (floats, foreign rows, oversized) without writing it", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(db(), harbor, organizationId, { accounts: ["hb-chk-3001"] });
    const tamper = (mutate: (t: Record<string, unknown>) => void): typeof fetch => async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes("/transactions")) return res;
      const body = (await res.json()) as { transactions: { depositTransaction: Record<string, unknown> }[] };
      mutate(body.transactions[0]!.depositTransaction);
      return Response.json(body);
    };
    const mutations = [
      (t: Record<string, unknown>) => void (t.amountMinor = 12.5),
      (t: Record<string, unknown>) => void (t.accountId = "hb-sav-3002"),
      // An answer far larger than any page (9 MB, in a field the schema would drop) is refused unread.
      (t: Record<string, unknown>) => void (t.padding = "x".repeat(9 * 2 ** 20)),
    ];
    for (const mutate of mutations) {
      const result = await syncConnection(db(), c.connectionId, "manual", { ...c.deps, recordSignal: signalSpy(), fetchImpl: tamper(mutate) });
      expect(result.status).toBe("failed");
      expect((await connection(c.connectionId)).lastError).toMatch(/form ChargeKeep does not understand/);
      expect((await rowsOf(c.connectionId, "hb-chk-3001")).txns).toHaveLength(0);
    }
  });

  it("V2.2.1 V16.5.3 a NUL or a broken character in the bank's text is cleaned, not a failed sync; in an id it is a malformed answer", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(db(), harbor, organizationId, { accounts: ["hb-chk-3001"] });
    const tamper = (mutate: (t: Record<string, unknown>) => void): typeof fetch => async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes("/transactions")) return res;
      const body = (await res.json()) as { transactions: { depositTransaction: Record<string, unknown> }[] };
      mutate(body.transactions[0]!.depositTransaction);
      return Response.json(body);
    };
    let externalId = "";
    const dirty = await syncConnection(db(), c.connectionId, "manual", {
      ...c.deps,
      recordSignal: signalSpy(),
      fetchImpl: tamper((t) => {
        externalId = String(t.transactionId);
        t.description = "Caf\u0000e \ud800";
        t.merchant = { name: "Shop\u0000" };
      }),
    });
    expect(dirty.status).toBe("succeeded");
    const row = (await rowsOf(c.connectionId, "hb-chk-3001")).txns.find((t) => t.externalId === externalId)!;
    expect(row.description).toBe("Cafe \uFFFD");
    expect(row.merchant).toBe("Shop");

    const other = await makeUser();
    const d = await connectSandbox(db(), harbor, other.organizationId, { accounts: ["hb-chk-3001"] });
    const badId = await syncConnection(db(), d.connectionId, "manual", { ...d.deps, recordSignal: signalSpy(), fetchImpl: tamper((t) => void (t.transactionId = "tx\u0000")) });
    expect(badId.status).toBe("failed");
    expect((await connection(d.connectionId)).lastError).toMatch(/form ChargeKeep does not understand/);
  });

  it("V8.4.1 accounts the bank stops sharing become inactive, kept with their history", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(db(), harbor, organizationId, { accounts: ["hb-chk-3001", "hb-cc-3003"] });
    expect((await syncConnection(db(), c.connectionId, "initial", c.deps)).status).toBe("succeeded");
    // The same connection's token now covers the checking account only (consent narrowed at the bank).
    const narrowed = await connectSandbox(db(), harbor, organizationId, { accounts: ["hb-chk-3001"] });
    expect((await syncConnection(db(), c.connectionId, "manual", { ...c.deps, getApiAccess: async () => ({ accessToken: narrowed.tokens.access, apiBaseUrl: harbor.apiAudience }) })).status).toBe("succeeded");
    const accounts = await db().select().from(bankAccounts).where(eq(bankAccounts.connectionId, c.connectionId));
    expect(accounts.find((a) => a.externalId === "hb-cc-3003")!.inactiveAt).toBeInstanceOf(Date);
    expect(accounts.find((a) => a.externalId === "hb-chk-3001")!.inactiveAt).toBeNull();
    expect((await rowsOf(c.connectionId, "hb-cc-3003")).txns.length).toBeGreaterThan(0);
  });
  it("V16.5.3 requestSync runs detached: results land on the connection, errors never escape", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(db(), harbor, organizationId, { accounts: ["hb-sav-3002"] });
    requestSync(c.connectionId, "initial", c.deps);
    await settleRequestedSyncs();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      requestSync("00000000-0000-4000-8000-000000000000", "manual", c.deps);
      requestSync(c.connectionId, "manual", { ...c.deps, getApiAccess: () => Promise.reject(new Error("token store down")) });
      await settleRequestedSyncs();
    } finally {
      errors.mockRestore();
    }
    const runs = await db().select().from(bankSyncRuns).where(eq(bankSyncRuns.connectionId, c.connectionId));
    expect(runs.map((r) => r.status).sort()).toEqual(["failed", "succeeded"]);
    expect((await connection(c.connectionId)).lastError).toMatch(/unexpected error/);
  });

  it("V16.5.2 backs off exponentially from 5 minutes, capped at 6 hours", () => {
    expect([1, 2, 3, 4].map(backoffDelayMs)).toEqual([5, 10, 20, 40].map((m) => m * 60_000));
    expect(backoffDelayMs(50)).toBe(6 * 3_600_000);
  });
  it("V16.5.3 through lib/banking's own token access: syncs, and a revoked grant ends in its reauth_required (audited)", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(db(), harbor, organizationId, { email: "demo@harbor.example", password: "harbor-demo", accounts: ["hb-cc-3003"] });
    expect((await syncConnection(db(), c.connectionId, "initial", { recordSignal: signalSpy() })).status).toBe("succeeded");
    await expectMatchesBank(c, harbor, "hb-cc-3003");
    await admin(harbor, "/grant/revoke", { email: "demo@harbor.example" });
    const result = await syncConnection(db(), c.connectionId, "manual", { recordSignal: signalSpy() });
    expect(result.status).toBe("reauth_required");
    expect(await connection(c.connectionId)).toMatchObject({ status: "reauth_required", syncLockToken: null });
    await expectAudited(db(), { action: "bank_connection.reauth_required", organizationId });
  });
  it("V8.4.1 V15.4.2 a connection disconnected mid-run takes no more writes and stays disconnected", async () => {
    const { organizationId } = await makeUser();
    const large = await connectSandbox(db(), northwind, organizationId, { email: "large@northwind.example", password: "northwind-large", accounts: ["nw-chk-9001"] });
    const result = await syncConnection(db(), large.connectionId, "initial", {
      ...large.deps,
      recordSignal: signalSpy(),
      onPageCommitted: async ({ pages }) => {
        if (pages === 1) await db().update(bankConnections).set({ status: "disconnected" }).where(eq(bankConnections.id, large.connectionId));
      },
    });
    expect(result.status).toBe("failed");
    expect((await rowsOf(large.connectionId, "nw-chk-9001")).txns).toHaveLength(1_000);
    expect(await connection(large.connectionId)).toMatchObject({ status: "disconnected", syncLockToken: null });
    expect((await syncConnection(db(), large.connectionId, "manual", large.deps)).status).toBe("failed");
  });
});

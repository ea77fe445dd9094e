import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import type { SandboxBank } from "@/sandbox-bank/bank";
import type { InstitutionState } from "@/sandbox-bank/institution-state";
import { makeUser } from "@/tests/factories";
import { connectSandbox } from "@/tests/support/sync";
import { startTestBank } from "@/tests/support/sandbox-browser";
import { getSyncProgress, syncConnection, type SyncRunProgress } from "./index";

let sandbox: SandboxBank;
let northwind: InstitutionState;
const db = () => getDb();
const ACCOUNTS = ["nw-chk-1001", "nw-sav-1002", "nw-cc-1003"];

beforeAll(async () => {
  sandbox = await startTestBank({ largeTransactions: 0 });
  [northwind] = sandbox.institutions as [InstitutionState];
});
afterAll(() => sandbox.close());

describe("sync progress on the run row (issue 22)", () => {
  it("a first sync's counters move from 0 to the final numbers page by page, and the run ends succeeded", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(db(), northwind, organizationId, { accounts: ACCOUNTS });
    expect(await getSyncProgress(db(), organizationId, c.connectionId)).toEqual({ connectionStatus: "active", run: null });
    const seen: SyncRunProgress[] = [];
    const result = await syncConnection(db(), c.connectionId, "initial", {
      ...c.deps,
      // Read the way the connection page's poll reads, while the run holds its lease.
      onPageCommitted: async () => {
        const p = await getSyncProgress(db(), organizationId, c.connectionId);
        expect(p!.connectionStatus).toBe("syncing");
        seen.push(p!.run!);
      },
    });
    expect(result.status).toBe("succeeded");
    expect(seen.length).toBeGreaterThan(1);
    for (const s of seen) expect(s).toMatchObject({ status: "running", trigger: "initial", accountsTotal: 3 });
    // Never backwards, and the first page already counted (the counters commit with the page).
    const counts = seen.map((s) => s.transactions);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(seen.map((s) => s.accountsDone)).toEqual([...seen.map((s) => s.accountsDone)].sort((a, b) => a - b));
    expect(seen[0]!.accountsDone).toBe(0);

    const done = (await getSyncProgress(db(), organizationId, c.connectionId))!;
    expect(done.connectionStatus).toBe("active");
    expect(done.run).toMatchObject({ status: "succeeded", accountsTotal: 3, accountsDone: 3, transactions: result.added + result.modified });
    expect(done.run!.transactions).toBeGreaterThanOrEqual(counts.at(-1)!);
    expect(done.run!.finishedAt).toBeInstanceOf(Date);
    expect(done.run!.updatedAt.getTime()).toBeGreaterThanOrEqual(done.run!.startedAt.getTime());
  });

  it("V16.5.2 a sync that fails mid-way ends failed, keeping the counts of what it did store", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(db(), northwind, organizationId, { accounts: ACCOUNTS });
    let pages = 0;
    const result = await syncConnection(db(), c.connectionId, "initial", {
      ...c.deps,
      recordSignal: () => {},
      onPageCommitted: () => {
        if (++pages === 2) throw new Error("simulated crash after the second page");
      },
    });
    expect(result.status).toBe("failed");
    const p = (await getSyncProgress(db(), organizationId, c.connectionId))!;
    expect(p.connectionStatus).toBe("error");
    expect(p.run).toMatchObject({ status: "failed", accountsTotal: 3, transactions: result.added + result.modified });
    expect(p.run!.transactions).toBeGreaterThan(0);
    expect(p.run!.accountsDone).toBeLessThan(3);
    expect(p.run!.finishedAt).toBeInstanceOf(Date);
  });

  it("V8.2.2 another organization's connection id reads as not found, never as its progress", async () => {
    const { organizationId } = await makeUser();
    const other = await makeUser();
    const c = await connectSandbox(db(), northwind, organizationId, { accounts: ["nw-chk-1001"] });
    expect(await getSyncProgress(db(), other.organizationId, c.connectionId)).toBeUndefined();
    expect(await getSyncProgress(db(), organizationId, c.connectionId)).toBeDefined();
  });
});

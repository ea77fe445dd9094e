import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxBank } from "./bank";
import type { InstitutionState } from "./institution-state";
import { admin, api, connect, discover, startTestBank } from "@/tests/support/sandbox-browser";

let sandbox: SandboxBank;
let bank: InstitutionState;
let token: string;
const CHECKING = "nw-chk-1001";
const CARD = "nw-cc-1003";

interface TxnJson { transactionId: string; status: string; amountMinor: number; referenceTransactionId?: string; transactionTimestamp: string; updatedTimestamp: string }
interface PageJson { page: { nextOffset?: string }; links: { next?: { href: string } }; transactions: Record<string, TxnJson>[] }

const unwrap = (t: Record<string, TxnJson>) => Object.values(t)[0]!;

async function readAll(accountId: string, query = ""): Promise<TxnJson[]> {
  const out: TxnJson[] = [];
  let path = `/accounts/${accountId}/transactions?limit=1000${query}`;
  for (;;) {
    const res = await api(bank, path, token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as PageJson;
    out.push(...body.transactions.map(unwrap));
    if (!body.page.nextOffset) return out;
    path = `/accounts/${accountId}/transactions?limit=1000${query}&offset=${encodeURIComponent(body.page.nextOffset)}`;
  }
}

beforeAll(async () => {
  sandbox = await startTestBank({ largeTransactions: 100_000 });
  bank = sandbox.institutions[0]!;
  const session = await discover(bank);
  token = (await connect(session, { accounts: [CHECKING, CARD] })).access_token;
});
afterAll(() => sandbox.close());

describe("sandbox bank FDX API", () => {
  it("pages through every transaction exactly once with the opaque cursor, balances matching the sum", async () => {
    const all = await readAll(CHECKING);
    expect(all.map((t) => t.transactionId)).toEqual(bank.ledger.transactions(CHECKING).map((t) => t.id));
    expect(new Set(all.map((t) => t.transactionId)).size).toBe(all.length);
    const account = (await (await api(bank, `/accounts/${CHECKING}`, token)).json()) as { depositAccount: { currentBalanceMinor: number; availableBalanceMinor: number } };
    const opening = bank.spec.users[0]!.accounts[0]!.openingBalance;
    const posted = all.filter((t) => t.status === "POSTED").reduce((s, t) => s + t.amountMinor, 0);
    expect(account.depositAccount.currentBalanceMinor).toBe(opening + posted);
  });

  it("filters by transaction time and by updatedSince", async () => {
    // A whole calendar month six months back: date-only endTime includes its last day.
    const now = new Date();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 6, 1));
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 0));
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const month = await readAll(CHECKING, `&startTime=${day(first)}&endTime=${day(last)}`);
    expect(month.length).toBeGreaterThan(20);
    expect(month.every((t) => t.transactionTimestamp >= day(first) && t.transactionTimestamp < new Date(last.getTime() + 86_400_000).toISOString())).toBe(true);
    const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const recent = await readAll(CHECKING, `&updatedSince=${since}`);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((t) => t.updatedTimestamp >= since)).toBe(true);
  });

  it("rejects a malformed cursor, limit or date with 400", async () => {
    for (const q of ["offset=not-a-cursor", "limit=0", "limit=5000", "startTime=yesterday"]) {
      expect((await api(bank, `/accounts/${CHECKING}/transactions?${q}`, token)).status).toBe(400);
    }
  });

  it("shows new transactions and a pending one turning posted (linked by referenceTransactionId) to an incremental read", async () => {
    const mark = new Date().toISOString();
    const added = (await (await admin(bank, "/transactions/add", { accountId: CARD, count: 3, pending: true })).json()) as { ids: string[] };
    expect(added.ids).toHaveLength(3);
    const pendingId = added.ids[0]!;
    expect(pendingId).toMatch(/-pending$/);
    const posted = (await (await admin(bank, "/transactions/post-pending", { accountId: CARD, transactionId: pendingId })).json()) as { posted: { id: string } };
    const delta = await readAll(CARD, `&updatedSince=${mark}`);
    const ids = delta.map((t) => t.transactionId);
    expect(ids).toContain(posted.posted.id);
    expect(ids).not.toContain(pendingId);
    expect(delta.find((t) => t.transactionId === posted.posted.id)?.referenceTransactionId).toBe(pendingId);
    expect(delta.filter((t) => t.status === "PENDING")).toHaveLength(2);
  });

  it("serves a 100,000-transaction account in pages of 1,000", async () => {
    const session = await discover(bank);
    const large = await connect(session, { email: "large@northwind.example", password: "northwind-large", accounts: ["nw-chk-9001"] });
    const previous = token;
    token = large.access_token;
    try {
      // CPU time of this process (the bank runs in it too), not wall time: a busy machine stretches the latter, not the work.
      const started = process.cpuUsage();
      const all = await readAll("nw-chk-9001");
      expect(all.length).toBeGreaterThan(95_000);
      const used = process.cpuUsage(started);
      expect((used.user + used.system) / 1000).toBeLessThan(15_000);
    } finally {
      token = previous;
    }
  });
});

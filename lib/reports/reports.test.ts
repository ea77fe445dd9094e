import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { makeUser } from "@/tests/factories";
import type { Txn } from "@/sandbox-bank/ledger";
import { assertFilterScope, parseReportFilters, reportFilters, type ReportFiltersInput } from "./filters";
import { monthlyCashFlow, topCategories, topMerchants, totalBalances } from "./summary";
import { bookedOnOf, insertAccount, seedFromLedger, type SeededAccount } from "@/tests/support/reports";

/**
 * Every figure against sums computed independently in plain JavaScript (BigInt) over the same
 * sandbox ledger the fixture wrote: a USD organization with a EUR bank too, and a neighbour.
 */

const db = () => getDb();
let orgA: string;
let orgB: string;
let usd: SeededAccount[];
let eur: SeededAccount[];
let foreign: SeededAccount[];

beforeAll(async () => {
  orgA = (await makeUser()).organizationId;
  orgB = (await makeUser()).organizationId;
  usd = await seedFromLedger(db(), orgA, { institution: "northwind", historyDays: 400 });
  eur = await seedFromLedger(db(), orgA, { institution: "harbor", currency: "EUR", historyDays: 400 });
  // the neighbour's history: same institution, so its merchants and categories collide with A's by name
  foreign = await seedFromLedger(db(), orgB, { institution: "northwind", user: 1, historyDays: 400 });
});

type Row = { t: Txn; bookedOn: string; accountId: string };
const rowsOf = (accounts: SeededAccount[]): Row[] => accounts.flatMap((a) => a.txns.map((t) => ({ t, bookedOn: bookedOnOf(t), accountId: a.id })));

function inFilter(r: Row, f: ReportFiltersInput): boolean {
  if (f.from && r.bookedOn < f.from) return false;
  if (f.to && r.bookedOn > f.to) return false;
  if (f.account?.length && !f.account.includes(r.accountId)) return false;
  if (f.status && r.t.status.toLowerCase() !== f.status) return false;
  return true;
}

function expectedMonths(rows: Row[], f: ReportFiltersInput) {
  const by = new Map<string, { in: bigint; out: bigint }>();
  for (const r of rows.filter((x) => inFilter(x, f))) {
    const key = `${r.bookedOn.slice(0, 7)}|${r.t.currency}`;
    const acc = by.get(key) ?? { in: 0n, out: 0n };
    if (r.t.amount > 0) acc.in += BigInt(r.t.amount);
    else acc.out -= BigInt(r.t.amount);
    by.set(key, acc);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => ({ month: k.split("|")[0], currency: k.split("|")[1], inMinor: v.in.toString(), outMinor: v.out.toString() }));
}

function expectedTop(rows: Row[], f: ReportFiltersInput, key: (t: Txn) => string, limit = 5) {
  const by = new Map<string, { currency: string; name: string; outflow: bigint; n: number }>();
  for (const r of rows.filter((x) => inFilter(x, f) && x.t.amount < 0)) {
    const k = `${r.t.currency}|${key(r.t)}`;
    const acc = by.get(k) ?? { currency: r.t.currency, name: key(r.t), outflow: 0n, n: 0 };
    acc.outflow -= BigInt(r.t.amount);
    acc.n++;
    by.set(k, acc);
  }
  const out: { name: string; currency: string; outflowMinor: string; transactions: number }[] = [];
  for (const currency of [...new Set([...by.values()].map((v) => v.currency))].sort()) {
    const list = [...by.values()].filter((v) => v.currency === currency).sort((a, b) => (b.outflow > a.outflow ? 1 : b.outflow < a.outflow ? -1 : 0));
    out.push(...list.slice(0, limit).map((v) => ({ name: v.name, currency, outflowMinor: v.outflow.toString(), transactions: v.n })));
  }
  return out;
}

describe("dashboard figures", () => {
  it("V8.4.1 total balances per currency equal the ledger's balances, USD and EUR never added, the neighbour's left out", async () => {
    const totals = await totalBalances(db(), orgA, reportFilters());
    const sum = (list: SeededAccount[], k: "current" | "available") => list.reduce((s, a) => s + BigInt(a[k]), 0n).toString();
    expect(totals).toEqual([
      { currency: "EUR", currentMinor: sum(eur, "current"), availableMinor: sum(eur, "available"), accounts: eur.length },
      { currency: "USD", currentMinor: sum(usd, "current"), availableMinor: sum(usd, "available"), accounts: usd.length },
    ]);
    const one = await totalBalances(db(), orgA, reportFilters({ account: [usd[0]!.id] }));
    expect(one).toEqual([{ currency: "USD", currentMinor: String(usd[0]!.current), availableMinor: String(usd[0]!.available), accounts: 1 }]);
    // an inactive (closed) account no longer counts
    await insertAccount(db(), orgA, { name: "Closed", currency: "USD", currentMinor: 999_999, inactive: true });
    expect(await totalBalances(db(), orgA, reportFilters())).toEqual(totals);
  });

  it("V8.4.1 monthly cash in and out match plain sums over the ledger, per currency, for several filters", async () => {
    const all = rowsOf([...usd, ...eur]);
    const cases: ReportFiltersInput[] = [
      {},
      { from: "2025-12-01", to: "2026-11-30" },
      { from: "2026-03-15", to: "2026-05-02", account: [usd[2]!.id, eur[0]!.id] },
      { status: "pending" },
      { status: "posted", from: "2026-10-01" },
    ];
    for (const f of cases) expect(await monthlyCashFlow(db(), orgA, reportFilters(f)), JSON.stringify(f)).toEqual(expectedMonths(all, f));
    const b = await monthlyCashFlow(db(), orgB, reportFilters());
    expect(b).toEqual(expectedMonths(rowsOf(foreign), {}));
  });

  it("V8.4.1 top categories and merchants by outflow match the ledger, ranked within each currency", async () => {
    const all = rowsOf([...usd, ...eur]);
    for (const f of [{}, { from: "2026-06-01", to: "2026-08-31" }, { account: [usd[0]!.id] }] as ReportFiltersInput[]) {
      expect(await topCategories(db(), orgA, reportFilters(f)), JSON.stringify(f)).toEqual(expectedTop(all, f, (t) => t.category));
      expect(await topMerchants(db(), orgA, reportFilters(f)), JSON.stringify(f)).toEqual(expectedTop(all, f, (t) => t.merchant));
    }
    expect(await topMerchants(db(), orgB, reportFilters(), 3)).toEqual(expectedTop(rowsOf(foreign), {}, (t) => t.merchant, 3));
  });

  it("V8.4.1 V8.2.2 another organization's account or category id in a filter is refused as not found", async () => {
    await expect(assertFilterScope(db(), orgA, reportFilters({ account: [usd[0]!.id, foreign[0]!.id] }))).rejects.toMatchObject({ status: 404 });
    await expect(assertFilterScope(db(), orgA, reportFilters({ account: [usd[0]!.id] }))).resolves.toBeUndefined();
    const [theirs] = await topCategories(db(), orgB, reportFilters());
    expect(theirs).toBeDefined();
    const { bankCategories } = await import("@/db/schema/banking");
    const { and, eq } = await import("drizzle-orm");
    const [cat] = await db().select({ id: bankCategories.id }).from(bankCategories).where(and(eq(bankCategories.organizationId, orgB), eq(bankCategories.name, theirs!.name)));
    await expect(assertFilterScope(db(), orgA, reportFilters({ category: cat!.id }))).rejects.toMatchObject({ status: 404 });
  });
});

describe("report filters", () => {
  it("V2.2.1 malformed filters come back as one sentence per field", () => {
    const bad = parseReportFilters({ from: "2026-02-31", to: "yesterday", account: ["x'; drop table"], status: "void", min: "1,000", max: "12.34567", q: "a".repeat(101) });
    expect(bad).toEqual({
      ok: false,
      fieldErrors: {
        from: "Enter a date like 2026-01-31.",
        to: "Enter a date like 2026-01-31.",
        account: "Choose accounts from the list.",
        status: "Choose pending or posted.",
        q: "Search for at most 100 characters.",
        min: "Enter an amount like 1250 or 12.50, without a currency sign.",
        max: "Enter an amount like 1250 or 12.50, without a currency sign.",
      },
    });
    expect(parseReportFilters({ from: "2026-05-01", to: "2026-04-01" })).toMatchObject({ ok: false, fieldErrors: { to: "The end date is before the start date." } });
    expect(parseReportFilters({ min: "50", max: "5" })).toMatchObject({ ok: false, fieldErrors: { max: "The largest amount is below the smallest." } });
    const ok = parseReportFilters(new URLSearchParams("from=&account=1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b&account=6fa459ea-ee8a-4ca4-894e-db77e160355e&q=%20coffee%20"));
    expect(ok).toEqual({ ok: true, filters: { account: ["1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b", "6fa459ea-ee8a-4ca4-894e-db77e160355e"], q: "coffee" } });
  });
});

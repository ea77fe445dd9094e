import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { bankBalances } from "@/db/schema";
import { makeUser } from "@/tests/factories";
import { balanceTrend } from "./balance-trend";
import { describeFreshness, timeAgo } from "./freshness";
import { DEFAULT_PERIOD, fillMonths, monthsBetween, parseDashboardPeriod, periodRange } from "./period";
import { bookedOnOf, LEDGER_NOW, seedFromLedger, type SeededAccount } from "@/tests/support/reports";

const db = () => getDb();
const TODAY = new Date(LEDGER_NOW).toISOString().slice(0, 10);
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
  // The neighbour, in a currency A does not have: any leak would show up as a GBP series.
  foreign = await seedFromLedger(db(), orgB, { institution: "northwind", user: 1, currency: "GBP", historyDays: 400 });
});

/** Month-end balances computed independently: current balance less posted amounts booked later. */
function expectedTrend(accounts: SeededAccount[], months: string[]) {
  return months.map((month) => {
    let total = 0n;
    for (const a of accounts) {
      let later = 0n;
      for (const t of a.txns) if (t.status === "POSTED" && bookedOnOf(t).slice(0, 7) > month) later += BigInt(t.amount);
      total += BigInt(a.current) - later;
    }
    return { currency: accounts[0]!.currency, month, balanceMinor: total.toString() };
  });
}

describe("balance trend per currency", () => {
  it("V8.2.2 gives each month's closing total per currency, worked back from the current balances; another organization's accounts never appear", async () => {
    const { from } = periodRange(12, new Date(LEDGER_NOW));
    const months = monthsBetween(from, TODAY);
    const trend = await balanceTrend(db(), orgA, { from, today: TODAY });
    expect(new Set(trend.map((p) => p.currency))).toEqual(new Set(["EUR", "USD"]));
    expect(trend.filter((p) => p.currency === "USD")).toEqual(expectedTrend(usd, months));
    expect(trend.filter((p) => p.currency === "EUR")).toEqual(expectedTrend(eur, months));
    // The last point is the balance now.
    expect(trend.filter((p) => p.currency === "USD").at(-1)!.balanceMinor).toBe(usd.reduce((s, a) => s + BigInt(a.current), 0n).toString());
    const theirs = await balanceTrend(db(), orgB, { from, today: TODAY });
    expect(new Set(theirs.map((p) => p.currency))).toEqual(new Set(["GBP"]));
    expect(theirs).toEqual(expectedTrend(foreign, months));
  });

  it("V8.2.2 uses the balance the app stored in a month over the worked-back one; a stored balance of another organization's account is not read", async () => {
    const { from } = periodRange(6, new Date(LEDGER_NOW));
    const months = monthsBetween(from, TODAY);
    const target = months[1]!;
    const account = usd[0]!;
    await db().insert(bankBalances).values({ organizationId: orgA, accountId: account.id, asOf: `${target}-15`, currentMinor: 123_456, currency: "USD" });
    // B stores a balance for its own account in the same month: A's figures must not move.
    await db().insert(bankBalances).values({ organizationId: orgB, accountId: foreign[0]!.id, asOf: `${target}-15`, currentMinor: 999_999_999, currency: "GBP" });
    const trend = (await balanceTrend(db(), orgA, { from, today: TODAY })).filter((p) => p.currency === "USD");
    const others = expectedTrend(usd.slice(1), months);
    const derived = expectedTrend(usd, months);
    expect(trend.find((p) => p.month === target)!.balanceMinor).toBe((BigInt(others.find((p) => p.month === target)!.balanceMinor) + 123_456n).toString());
    for (const m of months.filter((x) => x !== target)) expect(trend.find((p) => p.month === m)).toEqual(derived.find((p) => p.month === m));
  });

  it("V8.2.2 follows the account filter, and an account id of another organization selects nothing", async () => {
    const { from } = periodRange(3, new Date(LEDGER_NOW));
    const only = await balanceTrend(db(), orgA, { from, today: TODAY, accountIds: [eur[0]!.id] });
    expect(only).toEqual(expectedTrend([eur[0]!], monthsBetween(from, TODAY)));
    expect(await balanceTrend(db(), orgA, { from, today: TODAY, accountIds: [foreign[0]!.id] })).toEqual([]);
  });
});

describe("dashboard period and months", () => {
  it("V2.2.1 takes 3, 6, 12 or 24 months from the URL, 12 when absent, and refuses anything else with a sentence", () => {
    expect(parseDashboardPeriod(undefined)).toEqual({ ok: true, period: DEFAULT_PERIOD });
    expect(parseDashboardPeriod("")).toEqual({ ok: true, period: 12 });
    for (const p of [3, 6, 12, 24]) expect(parseDashboardPeriod(String(p))).toEqual({ ok: true, period: p });
    expect(parseDashboardPeriod(["6", "24"])).toEqual({ ok: true, period: 6 });
    for (const bad of ["5", "120", "-3", "12abc", "1e1", "\u0000", "x".repeat(5000)]) expect(parseDashboardPeriod(bad)).toEqual({ ok: false, problem: "Choose a period of 3, 6, 12 or 24 months." });
  });

  it("spans whole months to today and shows a month without transactions as zero", () => {
    expect(periodRange(3, new Date(Date.UTC(2026, 0, 15)))).toEqual({ from: "2025-11-01", to: "2026-01-15" });
    expect(monthsBetween("2025-11-01", "2026-02-03")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    const filled = fillMonths(
      [
        { month: "2025-11", currency: "USD", inMinor: "100", outMinor: "50" },
        { month: "2026-01", currency: "EUR", inMinor: "7", outMinor: "0" },
      ],
      "2025-11-01",
      "2026-01-31",
    );
    expect(filled).toEqual([
      { month: "2025-11", currency: "EUR", inMinor: "0", outMinor: "0" },
      { month: "2025-12", currency: "EUR", inMinor: "0", outMinor: "0" },
      { month: "2026-01", currency: "EUR", inMinor: "7", outMinor: "0" },
      { month: "2025-11", currency: "USD", inMinor: "100", outMinor: "50" },
      { month: "2025-12", currency: "USD", inMinor: "0", outMinor: "0" },
      { month: "2026-01", currency: "USD", inMinor: "0", outMinor: "0" },
    ]);
    expect(fillMonths([], "2025-11-01", "2026-01-31")).toEqual([]);
    // Only an end date given: earlier months are kept, not cut at a default start.
    expect(fillMonths([{ month: "2025-09", currency: "USD", inMinor: "1", outMinor: "0" }], "2025-11-01", "2025-11-30").map((r) => r.month)).toEqual(["2025-09", "2025-10", "2025-11"]);
  });
});

describe("connection freshness", () => {
  const now = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it("says how long ago a connection synced, and what needs a person", () => {
    expect(timeAgo(ago(10_000), now)).toBe("just now");
    expect(describeFreshness({ status: "active", lastSyncedAt: ago(5 * 60_000) }, now)).toEqual({ text: "synced 5 minutes ago", tone: "ok" });
    expect(describeFreshness({ status: "active", lastSyncedAt: ago(3 * 3_600_000) }, now).text).toBe("synced 3 hours ago");
    expect(describeFreshness({ status: "active", lastSyncedAt: ago(3 * 86_400_000) }, now)).toEqual({ text: "synced 3 days ago", tone: "stale" });
    expect(describeFreshness({ status: "reauth_required", lastSyncedAt: ago(60_000) }, now)).toEqual({ text: "needs re-authorization", tone: "action" });
    expect(describeFreshness({ status: "active", lastSyncedAt: null }, now).text).toBe("first sync in progress");
    expect(describeFreshness({ status: "error", lastSyncedAt: ago(2 * 3_600_000) }, now)).toEqual({ text: "synced 2 hours ago; the last attempt failed, retrying", tone: "action" });
  });
});

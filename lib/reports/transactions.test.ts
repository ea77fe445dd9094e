import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { makeUser } from "@/tests/factories";
import { reportFilters } from "./filters";
import { decodeCursor, encodeCursor, listTransactions } from "./transactions";
import { insertAccount, insertTransactions, seedFromLedger, type TxnInput } from "@/tests/support/reports";

const db = () => getDb();

/** Walks every page older-wards, then back newer-wards from the last one. */
async function walk(orgId: string, filters = reportFilters(), pageSize = 10) {
  const pages: string[][] = [];
  let page = await listTransactions(db(), orgId, filters, null, pageSize);
  pages.push(page.rows.map((r) => r.id));
  while (page.older) {
    page = await listTransactions(db(), orgId, filters, page.older, pageSize);
    pages.push(page.rows.map((r) => r.id));
  }
  const back: string[][] = [];
  while (page.newer) {
    page = await listTransactions(db(), orgId, filters, page.newer, pageSize);
    back.unshift(page.rows.map((r) => r.id));
  }
  return { pages, back };
}

describe("transaction table", () => {
  let orgId: string;
  let accountId: string;
  const ids: { id: string; bookedOn: string }[] = [];

  beforeAll(async () => {
    orgId = (await makeUser()).organizationId;
    accountId = await insertAccount(db(), orgId, { name: "Operating", currency: "USD", mask: "9001" });
    // 137 rows on three days: long runs of ties on booked_on, across every page boundary
    const rows: TxnInput[] = [];
    for (let i = 0; i < 137; i++) {
      const id = randomUUID();
      const bookedOn = ["2026-03-01", "2026-03-02", "2026-03-03"][i % 3]!;
      ids.push({ id, bookedOn });
      rows.push({ id, bookedOn, amountMinor: -(i + 1) * 100, currency: "USD", description: `Purchase ${i}`, merchant: "Corner Shop", status: i % 10 === 0 ? "pending" : "posted" });
    }
    await insertTransactions(db(), orgId, accountId, rows);
  });

  it("V8.4.1 keyset paging visits every row exactly once, in (booked_on, id) descending order, both ways", async () => {
    const { pages, back } = await walk(orgId);
    const expected = [...ids].sort((a, b) => (a.bookedOn !== b.bookedOn ? (a.bookedOn < b.bookedOn ? 1 : -1) : a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(pages.flat()).toEqual(expected);
    expect(new Set(pages.flat()).size).toBe(137);
    expect(pages.map((p) => p.length)).toEqual([...Array(13).fill(10), 7]);
    // going back with "newer" from the last page lands on the same pages
    expect([...back, pages.at(-1)]).toEqual(pages);
  });

  it("V8.4.1 shows account name and mask, marks pending, and filters by status and amount range", async () => {
    const first = await listTransactions(db(), orgId, reportFilters({ status: "pending" }), null, 100);
    expect(first.rows).toHaveLength(14);
    expect(first.rows.every((r) => r.status === "pending" && r.accountName === "Operating" && r.accountMask === "9001")).toBe(true);
    // amounts 1.00 .. 137.00: the range is on the size of the amount, in dollars, both ends included
    const ranged = await listTransactions(db(), orgId, reportFilters({ min: "10", max: "12.00" }), null, 100);
    expect(ranged.rows.map((r) => r.amountMinor).sort()).toEqual(["-1000", "-1100", "-1200"]);
  });

  it("V8.4.1 another organization's rows never appear, even with its own cursor replayed", async () => {
    const other = (await makeUser()).organizationId;
    await seedFromLedger(db(), other, { institution: "northwind", user: 1, historyDays: 30 });
    const theirs = await listTransactions(db(), other, reportFilters(), null, 5);
    const { pages } = await walk(orgId, reportFilters(), 50);
    expect(pages.flat()).toHaveLength(137);
    expect(pages.flat()).not.toContain(theirs.rows[0]!.id);
    // their cursor only names a position: read with our organization, it continues through our rows
    const replay = await listTransactions(db(), orgId, reportFilters(), theirs.older, 50);
    expect(replay.rows.every((r) => r.accountId === accountId)).toBe(true);
  });

  it("V1.2.4 V2.2.1 a tampered cursor is a 400 with a sentence, never a query", async () => {
    for (const bad of ["not base64!", Buffer.from("{}").toString("base64url"), encodeCursor({ d: "older", b: "2026-13-45", i: randomUUID() }).slice(0, 10), Buffer.from(JSON.stringify({ d: "older", b: "2026-01-01", i: "1' or '1'='1" })).toString("base64url")]) {
      expect(() => decodeCursor(bad)).toThrow(/That page link is not valid/);
      await expect(listTransactions(db(), orgId, reportFilters(), bad)).rejects.toMatchObject({ status: 400 });
    }
  });
});

describe("search", () => {
  it("V1.2.4 matches description or merchant case-insensitively, with % and _ in the input taken literally", async () => {
    const orgId = (await makeUser()).organizationId;
    const acc = await insertAccount(db(), orgId, { name: "Search", currency: "EUR" });
    const row = (description: string, merchant: string | null = null): TxnInput => ({ bookedOn: "2026-04-01", amountMinor: -100, currency: "EUR", description, merchant });
    await insertTransactions(db(), orgId, acc, [row("100% refund"), row("1000 refund"), row("Card a_b"), row("Card axb"), row("Back\\slash"), row("Groceries", "FRESHMART Ltd"), row("Other", null)]);
    const search = async (q: string) => (await listTransactions(db(), orgId, reportFilters({ q }), null, 50)).rows.map((r) => r.description).sort();
    expect(await search("%")).toEqual(["100% refund"]);
    expect(await search("0%")).toEqual(["100% refund"]);
    expect(await search("a_b")).toEqual(["Card a_b"]);
    expect(await search("_")).toEqual(["Card a_b"]);
    expect(await search("\\")).toEqual(["Back\\slash"]);
    expect(await search("freshmart")).toEqual(["Groceries"]);
    expect(await search("REFUND")).toEqual(["100% refund", "1000 refund"]);
  });
});

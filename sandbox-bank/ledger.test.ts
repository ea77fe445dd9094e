import { describe, expect, it } from "vitest";
import { buildInstitutions } from "./institutions";
import { DAY_MS, Ledger } from "./ledger";
import { startSandboxBank } from "./bank";
import { configFromEnv } from "./config";

const NOW = Date.UTC(2026, 10, 24, 15, 0, 0);
const northwind = () => buildInstitutions(100_000)[0]!;
const ledger = (seed = "seed-a", now = NOW) => new Ledger(northwind(), { seed, now: () => now, historyDays: 730 });

describe("sandbox bank ledger", () => {
  it("generates the same history from the same seed, and another from another seed", () => {
    const a = ledger().transactions("nw-chk-1001");
    const b = ledger().transactions("nw-chk-1001");
    expect(a.length).toBeGreaterThan(700);
    expect(b).toEqual(a);
    expect(ledger("seed-b").transactions("nw-chk-1001")).not.toEqual(a);
  });

  it("keeps a day's transactions the same when the clock moves on a day", () => {
    const today = ledger().transactions("nw-cc-1003").filter((t) => t.status === "POSTED" && t.transactionMs < NOW - 10 * DAY_MS && t.transactionMs > NOW - 100 * DAY_MS);
    const tomorrow = ledger("seed-a", NOW + DAY_MS).transactions("nw-cc-1003");
    const ids = new Set(tomorrow.map((t) => t.id));
    expect(today.every((t) => ids.has(t.id))).toBe(true);
  });

  it("covers two years with salary, rent and subscriptions as integer minor units", () => {
    const txns = ledger().transactions("nw-chk-1001");
    const first = Math.min(...txns.map((t) => t.transactionMs));
    expect(NOW - first).toBeGreaterThan(720 * DAY_MS);
    expect(txns.every((t) => Number.isSafeInteger(t.amount) && t.currency === "USD")).toBe(true);
    expect(txns.filter((t) => t.category === "Income").length).toBeGreaterThanOrEqual(46);
    expect(txns.filter((t) => t.category === "Rent").length).toBeGreaterThanOrEqual(23);
    const card = ledger().transactions("nw-cc-1003");
    expect(card.filter((t) => t.merchant === "StreamFlix").length).toBeGreaterThanOrEqual(23);
  });

  it("gives the demo business a euro account in EUR that pairs no transfer or card payment with its dollar accounts", () => {
    const euro = ledger().transactions("nw-eur-5004");
    expect(euro.length).toBeGreaterThan(700);
    expect(euro.every((t) => t.currency === "EUR")).toBe(true);
    expect(euro.some((t) => t.category === "Transfer")).toBe(false);
    expect(euro.filter((t) => t.merchant === "EU customer payments").length).toBeGreaterThanOrEqual(46);
    const dollars = ledger().transactions("nw-chk-5001");
    expect(dollars.every((t) => t.currency === "USD")).toBe(true);
    expect(dollars.filter((t) => t.merchant === "Credit card payment").length).toBeGreaterThanOrEqual(23);
    expect(ledger().transactions("nw-eur-5004")).toEqual(euro);
  });

  it("links each posted card or debit purchase to its pending id and keeps recent ones pending", () => {
    const txns = ledger().transactions("nw-chk-1001");
    const pending = txns.filter((t) => t.status === "PENDING");
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((t) => t.id.endsWith("-pending") && t.transactionMs > NOW - 5 * DAY_MS)).toBe(true);
    const linked = txns.filter((t) => t.referenceTransactionId);
    expect(linked.length).toBeGreaterThan(100);
    for (const t of linked) {
      expect(t.referenceTransactionId).toBe(`${t.id}-pending`);
      expect(t.postedMs!).toBeGreaterThan(t.transactionMs);
    }
  });

  it("turns a pending transaction posted on the switch, under a new id that names the pending one", () => {
    const l = ledger();
    const pending = l.transactions("nw-chk-1001").find((t) => t.status === "PENDING")!;
    const before = l.balances("nw-chk-1001");
    const posted = l.postPending("nw-chk-1001", pending.id)!;
    expect(posted.status).toBe("POSTED");
    expect(posted.referenceTransactionId).toBe(pending.id);
    expect(posted.updatedMs).toBe(NOW);
    const after = l.transactions("nw-chk-1001");
    expect(after.some((t) => t.id === pending.id)).toBe(false);
    expect(l.balances("nw-chk-1001").current).toBe(before.current + pending.amount);
    expect(l.balances("nw-chk-1001").available).toBe(before.available);
  });

  it("keeps balances equal to the opening balance plus the posted transactions", () => {
    const l = ledger();
    for (const id of ["nw-chk-1001", "nw-sav-1002", "nw-cc-1003"]) {
      const opening = northwind().users[0]!.accounts.find((a) => a.id === id)!.openingBalance;
      const txns = l.transactions(id);
      const posted = txns.filter((t) => t.status === "POSTED").reduce((s, t) => s + t.amount, 0);
      const pending = txns.filter((t) => t.status === "PENDING").reduce((s, t) => s + t.amount, 0);
      expect(l.balances(id)).toMatchObject({ current: opening + posted, available: opening + posted + pending });
    }
  });

  it("mirrors transfers and card payments on both sides", () => {
    const l = ledger();
    const paid = l.transactions("nw-chk-1001").filter((t) => t.merchant === "Credit card payment").map((t) => -t.amount);
    const received = l.transactions("nw-cc-1003").filter((t) => t.category === "Transfer").map((t) => t.amount);
    expect(paid).toEqual(received);
  });

  it("generates the benchmark's 100k-transaction account quickly", () => {
    // CPU time, not wall time: the claim is about the generator's cost, which other processes on a busy machine do not change.
    const started = process.cpuUsage();
    const txns = ledger().transactions("nw-chk-9001");
    expect(txns.length).toBeGreaterThan(95_000);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(8_000);
  });

  it("refuses to bind anything but loopback unless told to", async () => {
    await expect(startSandboxBank({ ...configFromEnv({} as NodeJS.ProcessEnv), host: "0.0.0.0", dataDir: null })).rejects.toThrow(/Refusing to bind/);
  });
});

import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { GET as exportRoute } from "@/app/api/reports/transactions.csv/route";
import { getDb } from "@/db";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser } from "@/tests/factories";
import { CSV_COLUMNS, transactionsCsv } from "./csv";
import { insertAccount, insertTransactions, seedFromLedger } from "@/tests/support/reports";

const db = () => getDb();

const exportRequest = (token: string, query = "") =>
  new Request(`http://localhost:3000/api/reports/transactions.csv${query ? `?${query}` : ""}`, { headers: { cookie: `ck_session=${token}` } });

/** A tiny RFC 4180 reader for the tests (quoted cells, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let cell = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return records;
}

const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);

async function readStream(stream: Readable): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer).toString("utf8"));
  return chunks;
}

/** An accountant (reports:export) who just passed a second factor, in an organization with bank data. */
async function steppedUpAccountant() {
  const owner = await makeUser();
  const accountant = await makeUser({ organizationId: owner.organizationId, role: "accountant" });
  const token = (await makeSteppedUpSession(accountant.user.id, owner.organizationId)).token;
  return { orgId: owner.organizationId, accountant, token };
}

describe("transactionsCsv (for the route and SFTP delivery)", () => {
  it("V1.2.10 amounts are exact decimals from minor units; formula cells are neutralised; RFC 4180 quoting", async () => {
    const orgId = (await makeUser()).organizationId;
    const usd = await insertAccount(db(), orgId, { name: "=cmd|' /C calc'!A0", currency: "USD", mask: "0042" });
    const jpy = await insertAccount(db(), orgId, { name: "Tokyo", currency: "JPY" });
    const kwd = await insertAccount(db(), orgId, { name: "Kuwait", currency: "KWD" });
    await insertTransactions(db(), orgId, usd, [
      { bookedOn: "2026-05-04", amountMinor: -5, currency: "USD", description: '=HYPERLINK("http://evil.test","x")', merchant: "+SUM(A1)", category: "@Travel" },
      { bookedOn: "2026-05-03", amountMinor: 123_456_789_012, currency: "USD", description: "-2+3", merchant: "Line\nbreak, \"quoted\"" },
    ]);
    await insertTransactions(db(), orgId, jpy, [{ bookedOn: "2026-05-02", amountMinor: -1500, currency: "JPY", description: "Ramen" }]);
    await insertTransactions(db(), orgId, kwd, [{ bookedOn: "2026-05-01", amountMinor: -1, currency: "KWD", description: "Fils", status: "pending" }]);

    const text = (await readStream(transactionsCsv(db(), orgId, {}))).join("");
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.map((r) => [r[col("amount")], r[col("currency")]])).toEqual([
      ["-0.05", "USD"],
      ["1234567890.12", "USD"],
      ["-1500", "JPY"],
      ["-0.001", "KWD"],
    ]);
    expect(rows[0]![col("description")]).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(rows[0]![col("merchant")]).toBe("'+SUM(A1)");
    expect(rows[0]![col("category")]).toBe("'@Travel");
    expect(rows[0]![col("account")]).toBe("'=cmd|' /C calc'!A0");
    expect(rows[0]![col("account_mask")]).toBe("0042");
    expect(rows[1]![col("description")]).toBe("'-2+3");
    expect(rows[1]![col("merchant")]).toBe('Line\nbreak, "quoted"');
    expect(rows[3]![col("status")]).toBe("pending");
    // the raw amount cell of a negative number is a plain number, not a guarded string
    expect(text).toContain(",-0.05,USD,");
  });

  it("V8.4.1 the whole ledger, streamed in batches: every row once, and the amounts add up to the ledger's", async () => {
    const orgId = (await makeUser()).organizationId;
    const seeded = await seedFromLedger(db(), orgId, { institution: "northwind", historyDays: 120 });
    const neighbour = (await makeUser()).organizationId;
    await seedFromLedger(db(), neighbour, { institution: "northwind", user: 1, historyDays: 30 });
    const chunks = await readStream(transactionsCsv(db(), orgId, {}, { batchSize: 97 }));
    const all = seeded.flatMap((a) => a.txns);
    expect(chunks.length).toBe(Math.floor(all.length / 97) + 1); // one chunk per batch (header rides on the first)
    const [, ...rows] = parseCsv(chunks.join(""));
    expect(rows).toHaveLength(all.length);
    expect(new Set(rows.map((r) => r[col("transaction_id")])).size).toBe(all.length);
    // each amount against an independent float-free rendering: integer division on BigInt
    const byExternal = new Map(all.map((t) => [`${t.description}|${t.amount}`, t]));
    const cents = (s: string) => BigInt(s.replace(".", ""));
    expect(rows.reduce((s, r) => s + cents(r[col("amount")]!), 0n)).toBe(all.reduce((s, t) => s + BigInt(t.amount), 0n));
    for (const r of rows.slice(0, 50)) {
      const minor = cents(r[col("amount")]!);
      const abs = minor < 0n ? -minor : minor;
      expect(r[col("amount")]).toBe(`${minor < 0n ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`);
      expect(byExternal.has(`${r[col("description")]}|${minor}`)).toBe(true);
    }
  });

  it("V8.4.1 an account of another organization named in the filters fails the stream with not found", async () => {
    const orgId = (await makeUser()).organizationId;
    const other = (await makeUser()).organizationId;
    const theirs = await insertAccount(db(), other, { name: "Theirs", currency: "USD" });
    await expect(readStream(transactionsCsv(db(), orgId, { account: [theirs] }))).rejects.toMatchObject({ status: 404 });
    expect(() => transactionsCsv(db(), orgId, { from: "someday" })).toThrow(/These filters cannot be used/);
  });
});

describe("GET /api/reports/transactions.csv", () => {
  it("V8.2.1 a role without reports:export gets 403 and no file", async () => {
    const owner = await makeUser();
    for (const role of ["member", "viewer"] as const) {
      const u = await makeUser({ organizationId: owner.organizationId, role });
      const token = (await makeSteppedUpSession(u.user.id, owner.organizationId)).token;
      const res = await exportRoute(exportRequest(token));
      expect(res.status, role).toBe(403);
      expect((await res.json()).error.code, role).toBe("forbidden");
      expect(res.headers.get("content-disposition")).toBeNull();
    }
  });

  it("V8.2.1 V7.5.3 V16.3.2 without a recent second factor the export is refused (403 step_up_required) and the attempt is recorded as denied", async () => {
    const owner = await makeUser();
    await makeTotpFactor(owner.user.id);
    const token = (await makeSession(owner.user.id, owner.organizationId)).token; // password only
    const res = await exportRoute(exportRequest(token, "status=pending"));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("step_up_required");
    expect(res.headers.get("content-disposition")).toBeNull();
    await expectAudited(db(), { action: "reports.exported", organizationId: owner.organizationId, actorUserId: owner.user.id, result: "denied", metadata: { format: "csv", status: "pending" } });
  });

  it("V16.3.2 V1.2.10 V4.1.1 V5.4.1 a stepped-up accountant downloads the CSV; the export is recorded with its filters", async () => {
    const { orgId, accountant, token } = await steppedUpAccountant();
    const acc = await insertAccount(db(), orgId, { name: "Main", currency: "EUR", mask: "1234" });
    await insertTransactions(db(), orgId, acc, [
      { bookedOn: "2026-06-02", amountMinor: -1999, currency: "EUR", description: "=2+5 coffee", merchant: "Café" },
      { bookedOn: "2026-06-01", amountMinor: 250_000, currency: "EUR", description: "Invoice 17" },
      { bookedOn: "2026-01-01", amountMinor: -1, currency: "EUR", description: "Out of range" },
    ]);
    const res = await exportRoute(exportRequest(token, `from=2026-06-01&account=${acc}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="transactions-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const [, ...rows] = parseCsv(await res.text());
    expect(rows.map((r) => [r[col("booked_on")], r[col("amount")], r[col("description")], r[col("account")], r[col("account_mask")]])).toEqual([
      ["2026-06-02", "-19.99", "'=2+5 coffee", "Main", "1234"],
      ["2026-06-01", "2500.00", "Invoice 17", "Main", "1234"],
    ]);
    await expectAudited(db(), {
      action: "reports.exported",
      organizationId: orgId,
      actorUserId: accountant.user.id,
      result: "success",
      metadata: { format: "csv", from: "2026-06-01", to: null, accounts: acc, search: null },
    });
  });

  it("V2.2.1 malformed filters are a 400 with a sentence; another organization's account is a 404; neither is exported", async () => {
    const { orgId, token } = await steppedUpAccountant();
    const res = await exportRoute(exportRequest(token, "from=2026-02-30&min=ten"));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.message).toBe("These filters cannot be used: Enter a date like 2026-01-31.");
    expect(body.error.fields).toMatchObject({ from: "Enter a date like 2026-01-31.", min: "Enter an amount like 1250 or 12.50, without a currency sign." });

    const other = (await makeUser()).organizationId;
    const theirs = await insertAccount(db(), other, { name: "Theirs", currency: "USD" });
    const foreign = await exportRoute(exportRequest(token, `account=${theirs}`));
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("content-disposition")).toBeNull();
    expect(orgId).not.toBe(other);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorReport, parseAmountMinor, parseCsvStatement, parseDay, parseOfxStatement } from "./index";

describe("statement values", () => {
  it("V2.2.1 reads amounts into integer minor units without floats", () => {
    expect(parseAmountMinor("1,234.56")).toBe(123456);
    expect(parseAmountMinor("-42.5")).toBe(-4250);
    expect(parseAmountMinor("(42.50)")).toBe(-4250);
    expect(parseAmountMinor("12-")).toBe(-1200);
    expect(parseAmountMinor("$ 0.10")).toBe(10);
    expect(parseAmountMinor("1.234,56", ",")).toBe(123456);
    expect(parseAmountMinor("0.1")).toBe(10);
    for (const bad of ["", "abc", "1.2.3", "1e5", "12.345", "--1"]) expect(parseAmountMinor(bad), bad).toBeNull();
  });

  it("V1.4.2 refuses an amount too large to hold exactly in minor units, instead of rounding it", () => {
    expect(parseAmountMinor("9,999,999,999,999.99")).toBe(999_999_999_999_999); // the largest accepted
    expect(parseAmountMinor("-9999999999999.99")).toBe(-999_999_999_999_999);
    // 14 digits of units: 10^16 - 1 minor units would come out as 10^16 (past 2^53) if it were read.
    for (const big of ["99999999999999.99", "100000000000000", "123456789012345678901234567890"]) expect(parseAmountMinor(big), big).toBeNull();
    const { rows, errors } = parseCsvStatement("Date,Description,Amount\n2026-11-01,Huge,99999999999999.99\n2026-11-02,Fine,12.50\n", null);
    expect(errors).toEqual([{ line: 2, message: "The amount could not be read." }]);
    expect(rows.map((r) => r.amountMinor)).toEqual([1250]);
  });

  it("V2.2.1 reads the documented date formats and refuses impossible days", () => {
    expect(parseDay("2026-11-05")).toBe("2026-11-05");
    expect(parseDay("11/05/2026")).toBe("2026-11-05");
    expect(parseDay("05/11/2026", "DD/MM/YYYY")).toBe("2026-11-05");
    expect(parseDay("05.11.2026")).toBe("2026-11-05");
    expect(parseDay("20261105120000[-5:EST]")).toBe("2026-11-05");
    for (const bad of ["2026-02-30", "13/01/2026", "yesterday", "2026-1-1x"]) expect(parseDay(bad), bad).toBeNull();
  });
});

describe("CSV statements", () => {
  it("V2.2.1 recognises Debit/Credit layouts and reports each bad row by line", () => {
    const { rows, errors } = parseCsvStatement("Posting Date;Details;Debit;Credit\n2026-11-01;Rent;1200.00;\n2026-11-02;Refund;;15.00\n2026-11-03;;1.00;\n", null);
    expect(rows.map((r) => r.amountMinor)).toEqual([-120000, 1500]);
    expect(errors).toEqual([{ line: 4, message: "The description is empty." }]);
  });

  it("V2.2.1 explains an unrecognised header and honours a saved mapping", () => {
    expect(parseCsvStatement("When,What,How much\n2026-11-01,Rent,-1\n", null).errors[0]!.message).toMatch(/columns were not recognised/);
    const mapped = parseCsvStatement("When,What,How much\n05/11/2026,Rent,-1.00\n", { date: "When", description: "What", amount: "How much", dateFormat: "DD/MM/YYYY", decimal: ".", debitIsPositive: true });
    expect(mapped.rows).toEqual([{ line: 2, bookedOn: "2026-11-05", amountMinor: -100, description: "Rent" }]);
  });

  it("V2.2.1 refuses malformed CSV with a sentence, not a stack trace", () => {
    const { errors } = parseCsvStatement('Date,Description,Amount\n2026-11-01,"unterminated,1\n', null);
    expect(errors[0]!.message).toMatch(/^The file is not valid CSV/);
    expect(errorReport("x.csv", errors)).toMatch(/Nothing from this file was imported/);
  });
});

describe("OFX statements", () => {
  it("V2.2.1 reads account, FITIDs and amounts, also when the bank writes everything on one line", () => {
    const text = readFileSync(join(import.meta.dirname, "fixtures/statement.ofx"), "utf8");
    const oneLine = text.replace(/\n(?=<)/g, "");
    for (const t of [text, oneLine]) {
      const { statement, errors } = parseOfxStatement(t);
      expect(errors).toEqual([]);
      expect(statement).toMatchObject({ accountId: "000123456789", accountType: "checking", currency: "USD" });
      expect(statement!.transactions.map((x) => [x.fitId, x.amountMinor, x.bookedOn])).toEqual([
        ["F0001", -4250, "2026-10-05"],
        ["F0002", 100000, "2026-10-06"],
      ]);
    }
  });

  it("V1.5.1 an OFX 2 (XML) statement declaring external or nested entities is read without resolving any of them", () => {
    const secret = join(mkdtempSync(join(tmpdir(), "ck-xxe-")), "secret.txt");
    writeFileSync(secret, "TOP-SECRET-MARKER");
    // One element per line, as banks write OFX 2; the DOCTYPE declares an external and a nested entity.
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<!DOCTYPE OFX [<!ENTITY xxe SYSTEM "file://${secret}"><!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<OFX>
<BANKMSGSRSV1>
<STMTTRNRS>
<TRNUID>1</TRNUID>
<STMTRS>
<CURDEF>USD</CURDEF>
<BANKACCTFROM>
<BANKID>1</BANKID>
<ACCTID>000123456789</ACCTID>
<ACCTTYPE>CHECKING</ACCTTYPE>
</BANKACCTFROM>
<BANKTRANLIST>
<DTSTART>20261001</DTSTART>
<DTEND>20261031</DTEND>
<STMTTRN>
<TRNTYPE>DEBIT</TRNTYPE>
<DTPOSTED>20261005</DTPOSTED>
<TRNAMT>-1.00</TRNAMT>
<FITID>X1</FITID>
<NAME>&xxe;</NAME>
<MEMO>&lol2;</MEMO>
</STMTTRN>
</BANKTRANLIST>
</STMTRS>
</STMTTRNRS>
</BANKMSGSRSV1>
</OFX>`;
    const { statement, errors } = parseOfxStatement(xml);
    const everything = JSON.stringify({ statement, errors });
    expect(everything).not.toContain("TOP-SECRET-MARKER");
    expect(everything).not.toContain("lollol"); // no entity was expanded either
    // Read as a statement, the entity references stay the literal text the file holds.
    expect(errors).toEqual([]);
    expect(statement!.transactions).toMatchObject([{ fitId: "X1", amountMinor: -100, description: "&xxe; — &lol2;" }]);
  });

  it("V2.2.1 reads OFX 2 (XML) statements too, with closing tags, on many lines or on one", () => {
    const sgml = readFileSync(join(import.meta.dirname, "fixtures/statement.ofx"), "utf8");
    // The same statement as OFX 2: every element closed, an XML prolog instead of the SGML header.
    const body = sgml.slice(sgml.indexOf("<OFX>")).replace(/^<([A-Z0-9.]+)>([^<\n]+)$/gm, "<$1>$2</$1>");
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n${body}`;
    for (const t of [xml, xml.replace(/\n(?=<)/g, "")]) {
      const { statement, errors } = parseOfxStatement(t);
      expect(errors).toEqual([]);
      expect(statement).toMatchObject({ accountId: "000123456789", accountType: "checking", currency: "USD" });
      expect(statement!.transactions.map((x) => [x.fitId, x.amountMinor, x.bookedOn, x.merchant])).toEqual([
        ["F0001", -4250, "2026-10-05", "Coffee Shop"],
        ["F0002", 100000, "2026-10-06", expect.any(String)],
      ]);
    }
  });

  it("V2.2.1 refuses a file that is not OFX", () => {
    expect(parseOfxStatement("hello").errors[0]!.message).toMatch(/OFX/);
  });
});

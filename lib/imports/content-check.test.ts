import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StatementContentCheck, uploadFormatOf } from "./content-check";

const OFX = readFileSync(join(import.meta.dirname, "fixtures/statement.ofx"));

/** The check's answer for `bytes` fed in chunks of `size`: the add() refusal or the verdict. */
function check(format: "csv" | "ofx", bytes: Buffer, size = 7): string | null {
  const c = new StatementContentCheck(format);
  try {
    for (let i = 0; i < bytes.length; i += size) c.add(bytes.subarray(i, i + size));
  } catch (e) {
    return (e as Error).message;
  }
  return c.verdict();
}

describe("statement upload content check", () => {
  it("V5.2.2 takes only statement names (.csv, .ofx, .qfx, and WinSCP's .filepart of them)", () => {
    expect(["a.csv", "B.CSV", "x.ofx", "x.qfx", "x.csv.filepart"].map(uploadFormatOf)).toEqual(["csv", "csv", "ofx", "ofx", "csv"]);
    for (const name of ["a.txt", "a.exe", "a.csv.exe", "a.pdf", "csv", "a.filepart", "a.zip"]) expect(uploadFormatOf(name), name).toBeNull();
  });

  it("V5.2.2 accepts real statements: an OFX file, CSVs with commas, semicolons or tabs, a BOM and Windows-1252 text", () => {
    expect(check("ofx", OFX)).toBeNull();
    expect(check("ofx", Buffer.from('<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n<OFX><SIGNONMSGSRSV1/></OFX>\n'))).toBeNull();
    expect(check("csv", Buffer.from("Date,Description,Amount\n2026-11-01,Rent,-1200.00\n"))).toBeNull();
    expect(check("csv", Buffer.from("\uFEFFDatum;Beschreibung;Betrag\r\n01.11.2026;Miete;-1200,00\r\n"))).toBeNull();
    expect(check("csv", Buffer.from("Date\tDescription\tAmount\n"))).toBeNull();
    expect(check("csv", Buffer.concat([Buffer.from("Date,Description,Amount\n2026-11-01,Caf"), Buffer.from([0xe9]), Buffer.from(",-3.50\n")]))).toBeNull();
  });

  it("V5.2.2 refuses content that is not what the name says: binary files, HTML, a text without an OFX header, a one-column file", () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    expect(check("csv", png)).toMatch(/^This file is not text/);
    expect(check("ofx", Buffer.concat([Buffer.from("OFXHEADER:100\n"), Buffer.from([0x00, 0x01])]))).toMatch(/^This file is not text/);
    // A binary byte far into the file is found too, not only in the first chunk.
    expect(check("csv", Buffer.concat([Buffer.from("Date,Description,Amount\n" + "2026-11-01,x,1\n".repeat(10_000)), Buffer.from([0x00])]), 4096)).toMatch(/^This file is not text/);
    expect(check("ofx", Buffer.from("Date,Description,Amount\n2026-11-01,Rent,-1200.00\n"))).toMatch(/^This file does not look like an OFX\/QFX statement/);
    expect(check("csv", Buffer.from("hello world\n"))).toMatch(/^This file does not look like a CSV statement/);
    expect(check("csv", Buffer.from('<html><body>"unterminated</body></html>\n'))).toMatch(/^This file does not look like a CSV statement/);
    expect(check("csv", Buffer.from(""))).toMatch(/^This file does not look like a CSV statement/);
  });
});

import "server-only";
import { parse } from "csv-parse/sync";
import { statementFormatOf, type StatementFormat } from "./import-statement";

/** The most of a statement file ever read for import (./import-statement reads it whole). */
export const MAX_STATEMENT_BYTES = 20 * 1024 * 1024;
/** How much of the start of a file the type check looks at. */
const HEAD_BYTES = 64 * 1024;

export const NOT_A_STATEMENT_NAME = "Only statements can be uploaded to /inbox: files ending .csv, .ofx or .qfx.";
const NOT_TEXT = "This file is not text, so it is not a CSV, OFX or QFX statement: only statements can be uploaded to /inbox.";
const NOT_OFX = "This file does not look like an OFX/QFX statement (it has no OFX header). Export the statement again as OFX or CSV.";
const NOT_CSV = "This file does not look like a CSV statement: its first line must be a header of at least three columns separated by commas, semicolons or tabs.";

// Text here: tab, line feed, form feed, carriage return and everything from space up (any 8-bit
// charset: OFX 1.x files are often Windows-1252). Any other control byte means a binary file.
const CONTROL = new Uint8Array(256);
for (let b = 0; b < 32; b++) if (![9, 10, 12, 13].includes(b)) CONTROL[b] = 1;

/**
 * The upload name's statement format: `x.csv`, `x.ofx`, `x.qfx`, or the same with `.filepart`
 * (WinSCP uploads under that name and renames when done). Null for anything else.
 */
export function uploadFormatOf(name: string): StatementFormat | null {
  const base = name.toLowerCase().endsWith(".filepart") ? name.slice(0, -".filepart".length) : name;
  return /^.+\.(csv|ofx|qfx)$/i.test(base) ? statementFormatOf(base) : null;
}

/**
 * Checks a statement upload as it streams in (ASVS V5.2.2): every byte must be text, and the start
 * must be what the name says (an OFX header, or a CSV header row). Errors are sentences for the
 * person at the client. It looks at the type only: whether each row imports is the import's call.
 */
export class StatementContentCheck {
  private head = Buffer.alloc(0);

  constructor(readonly format: StatementFormat) {}

  /** Throws (with a sentence) at the first chunk that is not text. */
  add(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) if (CONTROL[chunk[i]!]) throw new Error(NOT_TEXT);
    if (this.head.length < HEAD_BYTES) this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
  }

  /** The sentence saying why the whole file is not of its format, or null when it is. */
  verdict(): string | null {
    const text = this.head.toString("latin1");
    if (this.format === "ofx") return /OFXHEADER|<OFX>/i.test(text) ? null : NOT_OFX;
    const firstLine = text.replace(/^\uFEFF|^\xEF\xBB\xBF/, "").split(/\r?\n/).find((l) => l.trim() !== "");
    if (!firstLine) return NOT_CSV;
    try {
      const [header] = parse(firstLine, { delimiter: [",", ";", "\t"], relax_column_count: true, trim: true }) as string[][];
      return header && header.filter((c) => c !== "").length >= 3 ? null : NOT_CSV;
    } catch {
      return NOT_CSV;
    }
  }
}

import "server-only";
import { Readable } from "node:stream";
import type { Database } from "@/db";
import { csvCell } from "@/lib/audit";
import { isAppError } from "@/lib/errors";
import { loggableError } from "@/lib/http";
import { minorToDecimal } from "./money";
import { cursorOf, fetchTransactionRows, type TransactionCursor, type TransactionRow } from "./transactions";
import { assertFilterScope, reportFilters, type ReportFilters, type ReportFiltersInput } from "./filters";

/**
 * Transactions as CSV (RFC 4180, CRLF), streamed one keyset batch per read: memory stays at one
 * batch whatever the size, and a reader that stops reading stops the queries. Text cells go through
 * the audit export's csvCell (quoting and the spreadsheet formula-injection guard); amounts are
 * exact decimal strings we compute from minor units, written as they are so "-12.50" stays a number.
 */

export const CSV_BATCH_SIZE = 1000;

export const CSV_COLUMNS = ["booked_on", "status", "amount", "currency", "description", "merchant", "category", "account", "account_mask", "transaction_id"] as const;

const AMOUNT = /^-?\d+$|^-?\d+\.\d+$/;

function recordOf(r: TransactionRow): string {
  const amount = minorToDecimal(r.amountMinor, r.currency);
  // Our own digits only: anything else would be a bug, and must not reach a spreadsheet unguarded.
  if (!AMOUNT.test(amount)) throw new Error("amount is not a decimal");
  const cells = [csvCell(r.bookedOn), csvCell(r.status), amount, csvCell(r.currency), csvCell(r.description), csvCell(r.merchant), csvCell(r.category), csvCell(r.accountName), csvCell(r.accountMask), csvCell(r.id)];
  return `${cells.join(",")}\r\n`;
}

export const csvHeader = () => `${CSV_COLUMNS.map((c) => csvCell(c)).join(",")}\r\n`;

async function* csvChunks(db: Database, organizationId: string, filters: ReportFilters, batchSize: number, requestId?: string): AsyncGenerator<Buffer> {
  let after: TransactionCursor | null = null;
  let header = csvHeader();
  try {
    // Checked here too, so a caller that builds filters in code (SFTP delivery) cannot name another tenant's account.
    await assertFilterScope(db, organizationId, filters);
    for (;;) {
      const rows = await fetchTransactionRows(db, organizationId, filters, after, batchSize);
      yield Buffer.from(header + rows.map(recordOf).join(""), "utf8");
      header = "";
      if (rows.length < batchSize) return;
      after = cursorOf(rows.at(-1)!, "older");
    }
  } catch (e) {
    if (isAppError(e)) throw e;
    // Headers may be gone already: the download breaks off rather than ending early and looking complete.
    console.error(`[${requestId ?? "export"}] transactions export failed`, loggableError(e));
    throw new Error("The export stopped because of an error on our side.");
  }
}

/**
 * The organization's transactions matching `filters`, newest first, as CSV bytes. Used by the
 * download route and by SFTP delivery. Filters are parsed here (a bad one throws a 400 AppError at
 * once); an account or category of another organization makes the stream fail with a 404 AppError.
 */
export function transactionsCsv(
  db: Database,
  organizationId: string,
  input: ReportFilters | ReportFiltersInput,
  opts: { batchSize?: number; requestId?: string } = {},
): Readable {
  const filters = reportFilters(input);
  // highWaterMark 1: at most one batch read ahead of the consumer.
  return Readable.from(csvChunks(db, organizationId, filters, opts.batchSize ?? CSV_BATCH_SIZE, opts.requestId), { objectMode: false, highWaterMark: 1 });
}

import "server-only";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { DATE_FORMATS, parseAmountMinor, parseDay } from "./values";

/** A per-account CSV layout (import_mappings.mapping). Column names as in the file's header row. */
export const csvMappingSchema = z
  .object({
    date: z.string().min(1).max(100),
    description: z.string().min(1).max(100),
    amount: z.string().min(1).max(100).optional(),
    debit: z.string().min(1).max(100).optional(),
    credit: z.string().min(1).max(100).optional(),
    balance: z.string().min(1).max(100).optional(),
    dateFormat: z.enum(DATE_FORMATS as [string, ...string[]]).optional(),
    decimal: z.enum([".", ","]).default("."),
    delimiter: z.enum([",", ";", "\t", "|"]).optional(),
    /** Debit column values are positive numbers meaning money out. */
    debitIsPositive: z.boolean().default(true),
  })
  .refine((m) => m.amount || m.debit || m.credit, "A mapping needs an amount column or debit/credit columns.");
export type CsvMapping = z.infer<typeof csvMappingSchema>;

export type StatementRow = { line: number; bookedOn: string; amountMinor: number; description: string };
export type RowError = { line?: number; message: string };

const DEFAULT_NAMES = {
  date: ["date", "posted date", "posting date", "transaction date", "booking date", "value date"],
  description: ["description", "details", "memo", "narrative", "payee", "name", "transaction description"],
  amount: ["amount", "transaction amount", "value"],
  debit: ["debit", "withdrawal", "withdrawals", "money out", "paid out"],
  credit: ["credit", "deposit", "deposits", "money in", "paid in"],
  balance: ["balance", "running balance"],
};

/** The default layout, found from the header row: Date, Description, Amount or Debit/Credit, optional Balance. */
function defaultMapping(header: string[]): CsvMapping | null {
  const find = (names: string[]) => header.find((h) => names.includes(h.trim().toLowerCase()));
  const m = { date: find(DEFAULT_NAMES.date), description: find(DEFAULT_NAMES.description), amount: find(DEFAULT_NAMES.amount), debit: find(DEFAULT_NAMES.debit), credit: find(DEFAULT_NAMES.credit), balance: find(DEFAULT_NAMES.balance) };
  if (!m.date || !m.description || (!m.amount && !m.debit && !m.credit)) return null;
  return csvMappingSchema.parse(m);
}

/** Parses a whole CSV statement; every row that cannot be read is an error naming its line. */
export function parseCsvStatement(text: string, mapping: CsvMapping | null): { rows: StatementRow[]; errors: RowError[] } {
  let records: string[][];
  try {
    records = parse(text, { delimiter: mapping?.delimiter ?? [",", ";", "\t"], bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 64 * 1024 });
  } catch (e) {
    return { rows: [], errors: [{ message: `The file is not valid CSV (${(e as Error).message.split("\n")[0]!.slice(0, 160)}).` }] };
  }
  if (records.length < 2) return { rows: [], errors: [{ message: "The file has no transactions: it needs a header row and at least one row below it." }] };
  const header = records[0]!;
  const layout = mapping ?? defaultMapping(header);
  if (!layout) {
    return { rows: [], errors: [{ line: 1, message: `The columns were not recognised. The header needs Date, Description and Amount (or Debit and Credit) columns; found: ${header.slice(0, 12).join(", ").slice(0, 200)}.` }] };
  }
  const col = (name?: string) => (name ? header.findIndex((h) => h.trim().toLowerCase() === name.trim().toLowerCase()) : -1);
  const idx = { date: col(layout.date), description: col(layout.description), amount: col(layout.amount), debit: col(layout.debit), credit: col(layout.credit) };
  const missing = (["date", "description"] as const).filter((k) => idx[k] < 0);
  if (missing.length) return { rows: [], errors: [{ line: 1, message: `The mapped column${missing.length > 1 ? "s" : ""} ${missing.map((k) => `"${layout[k]}"`).join(" and ")} ${missing.length > 1 ? "are" : "is"} not in the header row.` }] };

  const rows: StatementRow[] = [];
  const errors: RowError[] = [];
  records.slice(1).forEach((r, i) => {
    const line = i + 2;
    const bookedOn = parseDay(r[idx.date] ?? "", layout.dateFormat as never);
    if (!bookedOn) return void errors.push({ line, message: `The date "${(r[idx.date] ?? "").slice(0, 30)}" could not be read (expected ${layout.dateFormat ?? "YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY"}).` });
    let amount: number | null = null;
    if (idx.amount >= 0 && (r[idx.amount] ?? "") !== "") amount = parseAmountMinor(r[idx.amount]!, layout.decimal);
    else {
      const debit = idx.debit >= 0 && r[idx.debit] ? parseAmountMinor(r[idx.debit]!, layout.decimal) : 0;
      const credit = idx.credit >= 0 && r[idx.credit] ? parseAmountMinor(r[idx.credit]!, layout.decimal) : 0;
      if (debit !== null && credit !== null) amount = credit - (layout.debitIsPositive ? Math.abs(debit) : -debit);
    }
    if (amount === null) return void errors.push({ line, message: "The amount could not be read." });
    const description = (r[idx.description] ?? "").replace(/\s+/g, " ").trim().slice(0, 500);
    if (!description) return void errors.push({ line, message: "The description is empty." });
    rows.push({ line, bookedOn, amountMinor: amount, description });
  });
  return { rows, errors };
}

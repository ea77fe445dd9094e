import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { bankAccounts, bankCategories, bankTransactions } from "@/db/schema/banking";
import { decodeCursor as decodeOpaqueCursor, encodeCursor as encodeOpaqueCursor } from "@/lib/http";
import { transactionConditions, type ReportFilters } from "./filters";

/**
 * The transaction table: newest first, keyset-paged on (booked_on, id), which is unique, so a page
 * boundary never drops or repeats a row even when many share a day. The ORDER BY spells out
 * NULLS LAST to match bank_transactions_org_booked_idx exactly: PostgreSQL does not use NOT NULL
 * to see that the default (NULLS FIRST for DESC) would agree, and would sort every row instead.
 */

export const TRANSACTIONS_PAGE_SIZE = 50;

export type TransactionCursor = { d: "older" | "newer"; b: string; i: string };

const cursorSchema = z
  .object({
    d: z.enum(["older", "newer"]),
    b: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(v))),
    i: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  })
  .strict();

export function encodeCursor(c: TransactionCursor): string {
  return encodeOpaqueCursor({ d: c.d, b: c.b, i: c.i });
}

/** An edited page link is a 400 with a plain sentence: never an SQL error, never someone else's page. */
export function decodeCursor(raw: string): TransactionCursor {
  return decodeOpaqueCursor(raw, cursorSchema, "That page link is not valid. Start again from the newest transactions.");
}

export type TransactionRow = {
  id: string;
  bookedOn: string;
  status: "pending" | "posted";
  amountMinor: string;
  currency: string;
  description: string;
  merchant: string | null;
  category: string | null;
  accountId: string;
  accountName: string;
  accountMask: string | null;
};

const t = bankTransactions;
const selection = {
  id: t.id,
  bookedOn: t.bookedOn,
  status: t.status,
  amountMinor: sql<string>`${t.amountMinor}::text`,
  currency: t.currency,
  description: t.description,
  merchant: t.merchant,
  category: bankCategories.name,
  accountId: t.accountId,
  accountName: bankAccounts.name,
  accountMask: bankAccounts.mask,
};

const NEWEST_FIRST = [sql`${t.bookedOn} desc nulls last`, sql`${t.id} desc nulls last`];
// The same index read backwards.
const NEWEST_LAST = [sql`${t.bookedOn} asc nulls first`, sql`${t.id} asc nulls first`];

/** One batch of rows after (older) or before (newer, returned ascending) a key. */
export async function fetchTransactionRows(
  db: Database,
  organizationId: string,
  filters: ReportFilters,
  from: TransactionCursor | null,
  limit: number,
): Promise<TransactionRow[]> {
  const conds = transactionConditions(organizationId, filters);
  if (from?.d === "older") conds.push(sql`(${t.bookedOn}, ${t.id}) < (${from.b}::date, ${from.i}::uuid)`);
  if (from?.d === "newer") conds.push(sql`(${t.bookedOn}, ${t.id}) > (${from.b}::date, ${from.i}::uuid)`);
  const rows = await db
    .select(selection)
    .from(t)
    // Both joins name the organization too: a row can only ever show its own tenant's names.
    .innerJoin(bankAccounts, and(eq(bankAccounts.id, t.accountId), eq(bankAccounts.organizationId, t.organizationId)))
    .leftJoin(bankCategories, and(eq(bankCategories.id, t.categoryId), eq(bankCategories.organizationId, t.organizationId)))
    .where(and(...conds))
    .orderBy(...(from?.d === "newer" ? NEWEST_LAST : NEWEST_FIRST))
    .limit(limit);
  return rows as TransactionRow[];
}

export const cursorOf = (row: TransactionRow, d: TransactionCursor["d"]): TransactionCursor => ({ d, b: row.bookedOn, i: row.id });

export type TransactionPage = { rows: TransactionRow[]; newer: string | null; older: string | null };

/**
 * A page of the organization's transactions, newest first. `cursor` comes from a previous page's
 * newer/older; filters must already be scope-checked (assertFilterScope).
 */
export async function listTransactions(
  db: Database,
  organizationId: string,
  filters: ReportFilters,
  cursor?: string | null,
  pageSize = TRANSACTIONS_PAGE_SIZE,
): Promise<TransactionPage> {
  const from = cursor ? decodeCursor(cursor) : null;
  const rows = await fetchTransactionRows(db, organizationId, filters, from, pageSize + 1);
  if (from?.d === "newer") {
    // Fewer than a page above this point: that is simply the first page.
    if (rows.length <= pageSize) return listTransactions(db, organizationId, filters, null, pageSize);
    const page = rows.slice(0, pageSize).reverse();
    return { rows: page, newer: encodeCursor(cursorOf(page[0]!, "newer")), older: encodeCursor(cursorOf(page.at(-1)!, "older")) };
  }
  const page = rows.slice(0, pageSize);
  const newer = from ? (page[0] ? cursorOf(page[0], "newer") : { ...from, d: "newer" as const }) : null;
  const older = rows.length > pageSize ? cursorOf(page.at(-1)!, "older") : null;
  return { rows: page, newer: newer && encodeCursor(newer), older: older && encodeCursor(older) };
}

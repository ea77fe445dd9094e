import "server-only";
import { and, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { assertStorableText, boundaryText } from "@/lib/http";
import type { Database } from "@/db";
import { bankAccounts, bankCategories, bankTransactions, TRANSACTION_STATUSES } from "@/db/schema/banking";
import { badRequest, notFound } from "@/lib/errors";
import { nonDefaultExponents } from "./money";

/**
 * The filters every report takes, from a query string: checked by zod before anything reads them,
 * blank means "no filter". Account and category ids are checked to be the session's organization's
 * (assertFilterScope) so another tenant's id is refused, not silently matched against nothing.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT = /^\d{1,15}$|^\d{1,15}\.\d{1,4}$/;
export const MAX_ACCOUNTS = 50;
export const MAX_SEARCH = 100;

const realDay = (v: string) => DAY.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

const blank = (v: unknown) => (typeof v === "string" ? v.trim() || undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const day = optional(z.string().max(10).refine(realDay, "Enter a date like 2026-01-31."));
const amount = optional(z.string().max(20).regex(AMOUNT, "Enter an amount like 1250 or 12.50, without a currency sign."));

export const reportFiltersSchema = z
  .object({
    from: day,
    to: day,
    account: z.preprocess(
      (v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(blank).filter(Boolean)),
      z.array(z.string().regex(UUID, "Choose accounts from the list.")).max(MAX_ACCOUNTS, `Choose at most ${MAX_ACCOUNTS} accounts.`),
    ),
    category: optional(z.string().regex(UUID, "Choose a category from the list.")),
    status: optional(z.enum(TRANSACTION_STATUSES, { message: "Choose pending or posted." })),
    q: optional(boundaryText().max(MAX_SEARCH, `Search for at most ${MAX_SEARCH} characters.`)),
    min: amount,
    max: amount,
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "The end date is before the start date." })
  .refine((f) => !f.min || !f.max || Number(f.min) <= Number(f.max), { path: ["max"], message: "The largest amount is below the smallest." });

export type ReportFilters = z.infer<typeof reportFiltersSchema>;
/** Filters as code spells them (tests, SFTP delivery): every field optional, checked by the same schema. */
export type ReportFiltersInput = { from?: string; to?: string; account?: string[]; category?: string; status?: (typeof TRANSACTION_STATUSES)[number]; q?: string; min?: string; max?: string };

type Raw = Record<string, string | string[] | undefined> | URLSearchParams;

function flatten(raw: Raw): Record<string, unknown> {
  if (raw instanceof URLSearchParams) {
    const out: Record<string, unknown> = Object.fromEntries(raw.entries());
    out.account = raw.getAll("account");
    return out;
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, k === "account" ? v : Array.isArray(v) ? v[0] : v]));
}

/** Parses filters from a query string; on bad input, a message per field (never an exception). */
export function parseReportFilters(raw: Raw): { ok: true; filters: ReportFilters } | { ok: false; fieldErrors: Record<string, string> } {
  const parsed = reportFiltersSchema.safeParse(flatten(raw));
  if (parsed.success) return { ok: true, filters: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "_")] ??= issue.message;
  return { ok: false, fieldErrors };
}

/** The same, for APIs: a 400 whose message says what to fix. */
export function parseReportFiltersOrThrow(raw: Raw): ReportFilters {
  const parsed = parseReportFilters(raw);
  if (parsed.ok) return parsed.filters;
  const first = Object.values(parsed.fieldErrors)[0];
  throw badRequest(`These filters cannot be used: ${first}`, parsed.fieldErrors);
}

/** Anything given by a caller in code (tests, the SFTP helper) goes through the same schema. */
export function reportFilters(input: ReportFiltersInput = {}): ReportFilters {
  const parsed = reportFiltersSchema.safeParse(input);
  if (!parsed.success) throw badRequest(`These filters cannot be used: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** The filters back as query-string pairs (paging links, the export URL). */
export function reportFilterParams(filters: ReportFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["from", "to"] as const) if (filters[key]) params.set(key, filters[key]);
  for (const id of filters.account) params.append("account", id);
  for (const key of ["category", "status", "q", "min", "max"] as const) if (filters[key]) params.set(key, filters[key]);
  return params;
}

/** Refuses (404, like any other tenant's object) account or category ids that are not this organization's. */
export async function assertFilterScope(db: Database, organizationId: string, filters: ReportFilters): Promise<void> {
  const ids = [...new Set(filters.account.map((a) => a.toLowerCase()))];
  if (ids.length) {
    const found = await db
      .select({ id: bankAccounts.id })
      .from(bankAccounts)
      .where(and(eq(bankAccounts.organizationId, organizationId), inArray(bankAccounts.id, ids)));
    if (found.length !== ids.length) throw notFound("One of the chosen accounts");
  }
  if (filters.category) {
    const [found] = await db
      .select({ id: bankCategories.id })
      .from(bankCategories)
      .where(and(eq(bankCategories.organizationId, organizationId), eq(bankCategories.id, filters.category.toLowerCase())));
    if (!found) throw notFound("That category");
  }
}

/** `%`, `_` and the escape character itself match literally (PostgreSQL's default LIKE escape is `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Minor units per major unit of the row's currency, in SQL (the CASE comes from money.ts's table). */
function scaleOf(): SQL {
  const branches = nonDefaultExponents().map(([exp, codes]) => sql`when ${bankTransactions.currency} in (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) then ${10 ** exp}::numeric`);
  return sql`(case ${sql.join(branches, sql` `)} else 100::numeric end)`;
}

/** WHERE conditions for bank_transactions, organization first (the index's leading column). */
export function transactionConditions(organizationId: string, filters: ReportFilters): SQL[] {
  const t = bankTransactions;
  const conds: SQL[] = [eq(t.organizationId, organizationId)];
  if (filters.from) conds.push(gte(t.bookedOn, filters.from));
  if (filters.to) conds.push(lte(t.bookedOn, filters.to));
  if (filters.account.length) conds.push(inArray(t.accountId, filters.account.map((a) => a.toLowerCase())));
  if (filters.category) conds.push(eq(t.categoryId, filters.category.toLowerCase()));
  if (filters.status) conds.push(eq(t.status, filters.status));
  if (filters.q) {
    const pattern = `%${escapeLike(assertStorableText(filters.q.trim(), "q"))}%`;
    conds.push(sql`(${t.description} ilike ${pattern} or ${t.merchant} ilike ${pattern})`);
  }
  // The amount range is on the size of the amount (money in or out), in the row's own currency units.
  if (filters.min) conds.push(sql`abs(${t.amountMinor})::numeric >= ${filters.min}::numeric * ${scaleOf()}`);
  if (filters.max) conds.push(sql`abs(${t.amountMinor})::numeric <= ${filters.max}::numeric * ${scaleOf()}`);
  return conds;
}

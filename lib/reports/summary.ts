import "server-only";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { queryRows } from "@/db";
import { bankAccounts, bankCategories, bankConnections, bankInstitutions, bankTransactions } from "@/db/schema/banking";
import { now } from "@/lib/clock";
import { transactionConditions, type ReportFilters } from "./filters";
import { describeFreshness, type Freshness } from "./freshness";

/**
 * The dashboard's figures. Every sum is computed by PostgreSQL over bigint minor units and comes
 * back as text (no float, no 2^53 limit), grouped by currency: USD and EUR are never added.
 */

export type CurrencyTotal = { currency: string; currentMinor: string; availableMinor: string; accounts: number };
export type MonthFlow = { month: string; currency: string; inMinor: string; outMinor: string };
export type Ranked = { name: string; currency: string; outflowMinor: string; transactions: number };

/** Current balances of the organization's active accounts (the account filter applies; dates do not). */
export async function totalBalances(db: Database, organizationId: string, filters: ReportFilters): Promise<CurrencyTotal[]> {
  const a = bankAccounts;
  const conds = [eq(a.organizationId, organizationId), isNull(a.inactiveAt)];
  if (filters.account.length) conds.push(inArray(a.id, filters.account.map((id) => id.toLowerCase())));
  const rows = await db
    .select({
      currency: a.currency,
      currentMinor: sql<string>`coalesce(sum(${a.currentBalanceMinor}), 0)::text`,
      availableMinor: sql<string>`coalesce(sum(coalesce(${a.availableBalanceMinor}, ${a.currentBalanceMinor})), 0)::text`,
      accounts: sql<number>`count(*)::int`,
    })
    .from(a)
    .where(and(...conds))
    .groupBy(a.currency)
    .orderBy(asc(a.currency));
  return rows.map((r) => ({ ...r, accounts: Number(r.accounts) }));
}

/**
 * Runs an aggregate with a plan made for its actual parameters. postgres.js prepares every
 * statement, and after five runs PostgreSQL may keep a generic plan that cannot see how many rows
 * a date range holds: it picked a row-by-row index walk over 300,000 rows (1.9 s instead of 0.3 s
 * in bench/reports.ts). SET LOCAL keeps the setting inside this one transaction.
 */
async function withCustomPlan<T>(db: Database, run: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return run(tx as unknown as Database);
  });
}

/** Money in and money out per booked month and currency, oldest month first. */
export async function monthlyCashFlow(db: Database, organizationId: string, filters: ReportFilters): Promise<MonthFlow[]> {
  const t = bankTransactions;
  // Grouping on date_trunc is cheaper than on to_char per row; ::timestamp keeps time zones out of it.
  const monthStart = sql`date_trunc('month', ${t.bookedOn}::timestamp)`;
  const month = sql<string>`to_char(${monthStart}, 'YYYY-MM')`;
  return withCustomPlan(db, (tx) =>
    tx
      .select({
        month,
        currency: t.currency,
        inMinor: sql<string>`coalesce(sum(${t.amountMinor}) filter (where ${t.amountMinor} > 0), 0)::text`,
        outMinor: sql<string>`coalesce(-sum(${t.amountMinor}) filter (where ${t.amountMinor} < 0), 0)::text`,
      })
      .from(t)
      .where(and(...transactionConditions(organizationId, filters)))
      .groupBy(monthStart, t.currency)
      .orderBy(monthStart, t.currency),
  );
}

type RankedRow = { name: string | null; currency: string; outflow: string; n: number | string };

/**
 * The `limit` largest outflows per currency, grouped by `key` (a category id or a merchant).
 * Ranked inside each currency by a window, so one currency's big numbers never push another's out.
 */
async function topBy(db: Database, organizationId: string, filters: ReportFilters, by: "category" | "merchant", limit: number): Promise<Ranked[]> {
  const t = bankTransactions;
  const where = and(...transactionConditions(organizationId, filters), sql`${t.amountMinor} < 0`);
  const key = by === "category" ? t.categoryId : t.merchant;
  const name = by === "category" ? sql`(select ${bankCategories.name} from ${bankCategories} where ${bankCategories.id} = s.k)` : sql`s.k`;
  const rows = await withCustomPlan(db, (tx) =>
    queryRows<RankedRow>(
      tx,
      sql`select ${name} as name, s.currency, s.outflow::text as outflow, s.n
          from (select ${key} as k, ${t.currency} as currency, -sum(${t.amountMinor}) as outflow, count(*)::int as n,
                       row_number() over (partition by ${t.currency} order by sum(${t.amountMinor}) asc, ${key} asc nulls last) as rank
                from ${t} where ${where} group by ${key}, ${t.currency}) s
          where s.rank <= ${limit}
          order by s.currency, s.rank`,
    ),
  );
  const fallback = by === "category" ? "Uncategorized" : "Unknown merchant";
  return rows.map((r) => ({ name: r.name ?? fallback, currency: r.currency, outflowMinor: r.outflow, transactions: Number(r.n) }));
}

export const topCategories = (db: Database, organizationId: string, filters: ReportFilters, limit = 5) => topBy(db, organizationId, filters, "category", limit);
export const topMerchants = (db: Database, organizationId: string, filters: ReportFilters, limit = 5) => topBy(db, organizationId, filters, "merchant", limit);

export type AccountChoice = { id: string; name: string; mask: string | null; currency: string; inactive: boolean };

/** The organization's accounts, for filters and for naming rows. */
export async function listAccounts(db: Database, organizationId: string): Promise<AccountChoice[]> {
  const rows = await db
    .select({ id: bankAccounts.id, name: bankAccounts.name, mask: bankAccounts.mask, currency: bankAccounts.currency, inactiveAt: bankAccounts.inactiveAt })
    .from(bankAccounts)
    .where(eq(bankAccounts.organizationId, organizationId))
    .orderBy(asc(bankAccounts.name), asc(bankAccounts.id));
  return rows.map(({ inactiveAt, ...r }) => ({ ...r, inactive: inactiveAt !== null }));
}

export type CategoryChoice = { id: string; name: string };

export async function listCategories(db: Database, organizationId: string): Promise<CategoryChoice[]> {
  return db
    .select({ id: bankCategories.id, name: bankCategories.name })
    .from(bankCategories)
    .where(eq(bankCategories.organizationId, organizationId))
    .orderBy(asc(bankCategories.name));
}

export type ConnectionSummary = { id: string; institution: string; status: string; lastSyncedAt: Date | null; lastError: string | null; freshness: Freshness };

/** What a viewer may see: which banks are connected and how they are doing (no figures). */
export async function listConnectionStatus(db: Database, organizationId: string): Promise<ConnectionSummary[]> {
  const rows = await db
    .select({
      id: bankConnections.id,
      institution: bankInstitutions.name,
      status: bankConnections.status,
      lastSyncedAt: bankConnections.lastSyncedAt,
      lastError: bankConnections.lastError,
    })
    .from(bankConnections)
    .innerJoin(bankInstitutions, eq(bankInstitutions.id, bankConnections.institutionId))
    .where(eq(bankConnections.organizationId, organizationId))
    .orderBy(asc(bankInstitutions.name), asc(bankConnections.createdAt));
  const at = now();
  return rows.map((r) => ({ ...r, freshness: describeFreshness(r, at) }));
}

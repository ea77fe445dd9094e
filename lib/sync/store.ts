import "server-only";
import { and, eq, gte, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { bankAccounts, bankBalances, bankCategories, bankTransactions } from "@/db/schema/banking";
import { blindIndex } from "@/lib/crypto";
import type { FdxAccount, FdxTransaction } from "./fdx-client";
import { type SyncState } from "./sync-state";

/** Writes of one sync: accounts, their daily balance, and transaction pages with their cursor. */

export type Counts = { added: number; modified: number; removed: number };
export type AccountRef = { id: string; externalId: string; syncState: SyncState };

const ACCOUNT_TYPES: Record<string, string> = { CHECKING: "checking", SAVINGS: "savings", CREDITCARD: "credit_card", LOAN: "loan" };
const day = (iso: string) => iso.slice(0, 10);

/**
 * Balances in the ledger's sign: a card's current balance is what is owed, stored negative (so
 * opening + posted transactions = current for every account); its "available" is the credit left.
 */
function balancesOf(a: FdxAccount) {
  const current = a.currentBalanceMinor === undefined ? null : a.kind === "loc" ? -a.currentBalanceMinor : a.currentBalanceMinor;
  const available = a.kind === "loc" ? (a.availableCreditMinor ?? null) : (a.availableBalanceMinor ?? null);
  return { current, available };
}

/** Upserts the connection's accounts (and today's balance row each); accounts the bank stopped returning become inactive. */
export async function upsertAccounts(db: Database, org: string, connectionId: string, accounts: FdxAccount[], at: Date): Promise<AccountRef[]> {
  return db.transaction(async (tx) => {
    const refs: AccountRef[] = [];
    for (const a of accounts) {
      const { current, available } = balancesOf(a);
      const number = a.accountNumber;
      const values = {
        name: a.nickname || a.productName || `Account ${a.accountId.slice(-4)}`,
        type: ACCOUNT_TYPES[a.accountType] ?? "other",
        currency: a.currency.currencyCode,
        accountNumber: number ?? null,
        accountNumberIndex: number ? blindIndex(number, { table: "bank_accounts", column: "account_number" }) : null,
        mask: number ? number.slice(-4) : null,
        currentBalanceMinor: current,
        availableBalanceMinor: available,
        balanceAsOf: a.balanceAsOf ? new Date(a.balanceAsOf) : at,
        inactiveAt: null,
        updatedAt: at,
      };
      const [row] = await tx
        .insert(bankAccounts)
        .values({ organizationId: org, connectionId, source: "oauth", externalId: a.accountId, ...values })
        .onConflictDoUpdate({ target: [bankAccounts.organizationId, bankAccounts.connectionId, bankAccounts.externalId], set: values })
        .returning({ id: bankAccounts.id, syncState: bankAccounts.syncState });
      if (!row) throw new Error("account upsert returned nothing");
      refs.push({ id: row.id, externalId: a.accountId, syncState: (row.syncState ?? {}) as SyncState });
      if (current !== null) {
        const asOf = day((a.balanceAsOf ? new Date(a.balanceAsOf) : at).toISOString());
        await tx
          .insert(bankBalances)
          .values({ organizationId: org, accountId: row.id, asOf, currentMinor: current, availableMinor: available, currency: values.currency })
          .onConflictDoUpdate({ target: [bankBalances.accountId, bankBalances.asOf], set: { currentMinor: current, availableMinor: available, currency: values.currency } });
      }
    }
    const live = accounts.map((a) => a.accountId);
    await tx
      .update(bankAccounts)
      .set({ inactiveAt: at, updatedAt: at })
      .where(and(eq(bankAccounts.organizationId, org), eq(bankAccounts.connectionId, connectionId), isNull(bankAccounts.inactiveAt), live.length ? notInArray(bankAccounts.externalId, live) : undefined));
    return refs;
  });
}

/** Category ids by name for this organization, created on first sight (cached for the run: a handful of names). */
export class CategoryCache {
  private readonly ids = new Map<string, string>();
  constructor(private readonly org: string) {}

  async resolve(tx: Database, names: string[]): Promise<Map<string, string>> {
    const missing = [...new Set(names)].filter((n) => !this.ids.has(n));
    if (missing.length) {
      await tx.insert(bankCategories).values(missing.map((name) => ({ organizationId: this.org, name }))).onConflictDoNothing();
      const rows = await tx.select({ id: bankCategories.id, name: bankCategories.name }).from(bankCategories).where(and(eq(bankCategories.organizationId, this.org), inArray(bankCategories.name, missing)));
      for (const r of rows) this.ids.set(r.name, r.id);
    }
    return this.ids;
  }
}

/**
 * One page, in the caller's transaction: upsert keyed by (account, external id), writing only rows
 * that changed (so "modified" is honest), then delete the pending rows that posted ones replace.
 * The page travels as one JSON parameter (jsonb_to_recordset): a 1,000-row multi-VALUES insert
 * costs more to build in the query builder than the database spends on it.
 */
export async function writeTransactionPage(tx: Database, org: string, accountId: string, page: FdxTransaction[], categories: CategoryCache, at: Date): Promise<Counts> {
  if (page.length === 0) return { added: 0, modified: 0, removed: 0 };
  const ids = await categories.resolve(tx, page.flatMap((t) => (t.category ? [t.category] : [])));
  // One row per external id (a repeated id would make ON CONFLICT touch a row twice): the last one wins.
  const byId = new Map(page.map((t) => [t.transactionId, t]));
  const rows = [...byId.values()].map((t) => ({
    external_id: t.transactionId,
    status: t.status === "POSTED" ? "posted" : "pending",
    pending_external_id: t.referenceTransactionId ?? null,
    booked_on: day(t.status === "POSTED" && t.postedTimestamp ? t.postedTimestamp : t.transactionTimestamp),
    amount_minor: t.amountMinor,
    currency: t.currency.currencyCode,
    description: t.description || t.merchant?.name || "",
    merchant: t.merchant?.name ?? null,
    category_id: t.category ? (ids.get(t.category) ?? null) : null,
    external_updated_at: t.updatedTimestamp,
  }));
  const written = rowsOf<{ inserted: boolean }>(
    await tx.execute(sql`
      insert into bank_transactions as t (id, organization_id, account_id, external_id, status, pending_external_id, booked_on, amount_minor, currency, description, merchant, category_id, source, external_updated_at, updated_at)
      select gen_random_uuid(), ${org}::uuid, ${accountId}::uuid, r.external_id, r.status, r.pending_external_id, r.booked_on, r.amount_minor, r.currency, r.description, r.merchant, r.category_id, 'oauth', r.external_updated_at, ${at.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(external_id text, status text, pending_external_id text, booked_on date, amount_minor bigint, currency text, description text, merchant text, category_id uuid, external_updated_at timestamptz)
      on conflict (account_id, external_id) do update set
        status = excluded.status, pending_external_id = excluded.pending_external_id, booked_on = excluded.booked_on,
        amount_minor = excluded.amount_minor, currency = excluded.currency, description = excluded.description,
        merchant = excluded.merchant, category_id = excluded.category_id, external_updated_at = excluded.external_updated_at,
        updated_at = excluded.updated_at
      where (t.status, t.pending_external_id, t.booked_on, t.amount_minor, t.currency, t.description, t.merchant, t.category_id, t.external_updated_at)
        is distinct from (excluded.status, excluded.pending_external_id, excluded.booked_on, excluded.amount_minor, excluded.currency, excluded.description, excluded.merchant, excluded.category_id, excluded.external_updated_at)
      -- xmax = 0 only on a freshly inserted row version: tells "added" from "modified".
      returning (xmax = 0) as inserted`),
  );
  const added = written.filter((r) => r.inserted).length;
  const replaced = [...new Set(page.flatMap((t) => (t.status === "POSTED" && t.referenceTransactionId ? [t.referenceTransactionId] : [])))];
  let removed = 0;
  if (replaced.length) {
    const gone = await tx
      .delete(bankTransactions)
      .where(and(eq(bankTransactions.accountId, accountId), eq(bankTransactions.status, "pending"), inArray(bankTransactions.externalId, replaced)))
      .returning({ id: bankTransactions.id });
    removed = gone.length;
  }
  return { added, modified: written.length - added, removed };
}

/** Pending rows inside the re-read window that the bank no longer returns: cancelled (or posted under an id we missed). */
export async function removeVanishedPending(tx: Database, accountId: string, windowStart: string, seenPending: Set<string>): Promise<number> {
  const seen = [...seenPending];
  const gone = await tx
    .delete(bankTransactions)
    .where(and(eq(bankTransactions.accountId, accountId), eq(bankTransactions.status, "pending"), gte(bankTransactions.bookedOn, windowStart), seen.length ? notInArray(bankTransactions.externalId, seen) : undefined))
    .returning({ id: bankTransactions.id });
  return gone.length;
}

export async function saveSyncState(tx: Database, accountId: string, state: SyncState, at: Date): Promise<void> {
  await tx.update(bankAccounts).set({ syncState: state, updatedAt: at }).where(eq(bankAccounts.id, accountId));
}

/**
 * Test fixture: puts bank data into the reporting tables the way a sync would, from the sandbox
 * bank's deterministic ledger (or from rows a test spells out). Tests only; never imported by the app.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { bankAccounts, bankCategories, bankConnections, bankInstitutions, bankTransactions } from "@/db/schema/banking";
import { buildInstitutions, type InstitutionSpec } from "@/sandbox-bank/institutions";
import { DAY_MS, Ledger, type Txn } from "@/sandbox-bank/ledger";

export const LEDGER_NOW = Date.UTC(2026, 10, 24, 15, 0, 0);

/** A sandbox institution, optionally relabelled in another currency (the ledger is currency-agnostic). */
export function sandboxInstitution(slug: "northwind" | "harbor", currency?: string): InstitutionSpec {
  const spec = buildInstitutions(1_000).find((i) => i.slug === slug)!;
  return currency ? { ...spec, currency } : spec;
}

export function sandboxLedger(spec: InstitutionSpec, opts: { seed?: string; historyDays?: number; now?: number } = {}) {
  return new Ledger(spec, { seed: opts.seed ?? "reports-test", now: () => opts.now ?? LEDGER_NOW, historyDays: opts.historyDays ?? 400 });
}

/** The day a ledger transaction is booked on: posted date, or the transaction date while pending. */
export const bookedOnOf = (t: Txn) => new Date(Math.floor((t.postedMs ?? t.transactionMs) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);

export async function insertConnection(db: Database, organizationId: string, status: "active" | "reauth_required" | "error" = "active") {
  const [inst] = await db
    .insert(bankInstitutions)
    .values({ slug: `test-${randomUUID()}`, name: "Northwind Test Bank", issuer: "http://127.0.0.1:1/", clientId: "ck", resource: "http://127.0.0.1:1/fdx", apiBaseUrl: "http://127.0.0.1:1/fdx" })
    .returning({ id: bankInstitutions.id });
  const [conn] = await db.insert(bankConnections).values({ organizationId, institutionId: inst!.id, status, lastSyncedAt: new Date(LEDGER_NOW) }).returning({ id: bankConnections.id });
  return conn!.id;
}

export async function insertAccount(
  db: Database,
  organizationId: string,
  a: { name: string; currency: string; mask?: string; currentMinor?: number; availableMinor?: number; connectionId?: string | null; inactive?: boolean },
) {
  const [row] = await db
    .insert(bankAccounts)
    .values({
      organizationId,
      connectionId: a.connectionId ?? null,
      source: a.connectionId ? "oauth" : "import",
      externalId: randomUUID(),
      name: a.name,
      currency: a.currency,
      mask: a.mask ?? null,
      currentBalanceMinor: a.currentMinor ?? 0,
      availableBalanceMinor: a.availableMinor ?? a.currentMinor ?? 0,
      balanceAsOf: new Date(LEDGER_NOW),
      inactiveAt: a.inactive ? new Date(LEDGER_NOW) : null,
    })
    .returning({ id: bankAccounts.id });
  return row!.id;
}

export async function categoryId(db: Database, organizationId: string, name: string): Promise<string> {
  await db.insert(bankCategories).values({ organizationId, name }).onConflictDoNothing();
  const [row] = await db.select({ id: bankCategories.id }).from(bankCategories).where(and(eq(bankCategories.organizationId, organizationId), eq(bankCategories.name, name)));
  return row!.id;
}

export type TxnInput = {
  bookedOn: string;
  amountMinor: number;
  currency: string;
  description: string;
  merchant?: string | null;
  category?: string | null;
  status?: "pending" | "posted";
  externalId?: string;
  id?: string;
};

export async function insertTransactions(db: Database, organizationId: string, accountId: string, txns: TxnInput[]) {
  const categories = new Map<string, string>();
  for (const name of new Set(txns.map((t) => t.category).filter((c): c is string => Boolean(c)))) categories.set(name, await categoryId(db, organizationId, name));
  for (let i = 0; i < txns.length; i += 500) {
    await db.insert(bankTransactions).values(
      txns.slice(i, i + 500).map((t) => ({
        ...(t.id ? { id: t.id } : {}),
        organizationId,
        accountId,
        externalId: t.externalId ?? randomUUID(),
        status: t.status ?? "posted",
        bookedOn: t.bookedOn,
        amountMinor: t.amountMinor,
        currency: t.currency,
        description: t.description,
        merchant: t.merchant ?? null,
        categoryId: t.category ? categories.get(t.category)! : null,
      })),
    );
  }
}

export type SeededAccount = { id: string; ledgerId: string; name: string; currency: string; txns: Txn[]; current: number; available: number };

/**
 * Every account of one sandbox user, with its whole ledger history, into `organizationId`; the
 * account's balances are the ledger's. Returns what was written, for tests to sum on their own.
 */
export async function seedFromLedger(
  db: Database,
  organizationId: string,
  opts: { institution: "northwind" | "harbor"; user?: number; currency?: string; seed?: string; historyDays?: number },
): Promise<SeededAccount[]> {
  const spec = sandboxInstitution(opts.institution, opts.currency);
  const ledger = sandboxLedger(spec, opts);
  const connectionId = await insertConnection(db, organizationId);
  const out: SeededAccount[] = [];
  for (const acc of spec.users[opts.user ?? 0]!.accounts) {
    const txns = ledger.transactions(acc.id);
    const bal = ledger.balances(acc.id);
    const id = await insertAccount(db, organizationId, { name: acc.nickname, currency: spec.currency, mask: acc.accountNumber.slice(-4), currentMinor: bal.current, availableMinor: bal.available, connectionId });
    await insertTransactions(
      db,
      organizationId,
      id,
      txns.map((t) => ({ bookedOn: bookedOnOf(t), amountMinor: t.amount, currency: t.currency, description: t.description, merchant: t.merchant, category: t.category, status: t.status === "PENDING" ? "pending" : "posted", externalId: t.id })),
    );
    out.push({ id, ledgerId: acc.id, name: acc.nickname, currency: spec.currency, txns, current: bal.current, available: bal.available });
  }
  return out;
}

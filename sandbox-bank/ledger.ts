/**
 * Deterministic transaction history, generated lazily per account and cached per calendar day.
 * Each calendar day draws from its own PRNG stream (seed|account|day), so a day's transactions
 * are the same whatever "today" is: moving the clock only adds days at the end and drops the oldest.
 * Card and debit purchases are pending first, then posted two to four days later under a new id
 * whose referenceTransactionId names the pending one (the FDX linkage the app's sync relies on).
 */
import { createRng, type Rng } from "./prng";
import { CARD_MERCHANTS, EVERYDAY_MERCHANTS, SUBSCRIPTIONS, type MerchantSpec } from "./merchants";
import type { InstitutionSpec, SeedAccount, SeedUser } from "./institutions";

export const DAY_MS = 86_400_000;
export const CARD_CREDIT_LIMIT = 1_000_000;

export interface Txn {
  id: string;
  accountId: string;
  status: "PENDING" | "POSTED";
  /** Signed minor units: negative is money out of the account (a card purchase too). */
  amount: number;
  currency: string;
  description: string;
  merchant: string;
  category: string;
  transactionMs: number;
  postedMs?: number;
  /** On a posted transaction that was pending first: the pending transaction's id. */
  referenceTransactionId?: string;
  /** When this transaction last changed: drives the API's updatedSince filter and cursor order. */
  updatedMs: number;
}

/** One money movement before its pending/posted state is decided. */
interface Movement {
  baseId: string;
  amount: number;
  merchant: string;
  category: string;
  transactionMs: number;
  /** Days until it posts; 0 posts immediately (payroll, transfers, interest). */
  postLagDays: number;
}

export interface Balances {
  current: number;
  available: number;
  pending: number;
  asOfMs: number;
}

export interface LedgerOptions {
  seed: string;
  now: () => number;
  historyDays: number;
}

export class Ledger {
  private readonly accounts = new Map<string, { account: SeedAccount; user: SeedUser }>();
  private readonly cache = new Map<string, { key: string; txns: Txn[]; balances?: Omit<Balances, "asOfMs"> }>();
  /** Admin switch: base ids posted early, with when. */
  private readonly forcedPosted = new Map<string, number>();
  /** Admin switch: movements added at runtime, per account. */
  private readonly extras = new Map<string, Movement[]>();
  private version = 0;

  constructor(
    readonly institution: InstitutionSpec,
    private readonly options: LedgerOptions,
  ) {
    for (const user of institution.users) {
      for (const account of user.accounts) this.accounts.set(account.id, { account, user });
    }
  }

  findAccount(accountId: string): { account: SeedAccount; user: SeedUser } | undefined {
    return this.accounts.get(accountId);
  }

  /** All transactions of an account, ordered by (updatedMs, id): the API's cursor order. */
  transactions(accountId: string): Txn[] {
    const entry = this.accounts.get(accountId);
    if (!entry) return [];
    const today = Math.floor(this.options.now() / DAY_MS);
    const key = `${today}:${this.version}`;
    const cached = this.cache.get(accountId);
    if (cached?.key === key) return cached.txns;
    const txns = this.build(entry.account, entry.user, today);
    this.cache.set(accountId, { key, txns });
    return txns;
  }

  balances(accountId: string): Balances {
    const txns = this.transactions(accountId);
    const cached = this.cache.get(accountId);
    if (!cached?.balances) {
      let posted = this.accounts.get(accountId)?.account.openingBalance ?? 0;
      let pending = 0;
      for (const t of txns) {
        if (t.status === "POSTED") posted += t.amount;
        else pending += t.amount;
      }
      if (cached) cached.balances = { current: posted, available: posted + pending, pending };
      else return { current: posted, available: posted + pending, pending, asOfMs: this.options.now() };
    }
    return { ...cached.balances, asOfMs: this.options.now() };
  }

  /** Admin switch: post a pending transaction now (the given one, else the oldest pending). */
  postPending(accountId: string, transactionId?: string): Txn | undefined {
    const pending = this.transactions(accountId).filter((t) => t.status === "PENDING");
    const target = transactionId ? pending.find((t) => t.id === transactionId) : pending[0];
    if (!target) return undefined;
    const baseId = target.id.replace(/-pending$/, "");
    this.forcedPosted.set(baseId, this.options.now());
    this.version++;
    return this.transactions(accountId).find((t) => t.id === baseId);
  }

  /** Admin switch: add N new purchases dated now (pending unless posted is asked for). */
  addTransactions(accountId: string, count: number, opts: { pending: boolean }): Txn[] {
    const entry = this.accounts.get(accountId);
    if (!entry) return [];
    const list = this.extras.get(accountId) ?? [];
    const rng = createRng(`${this.options.seed}|${accountId}|extra|${list.length}`);
    const now = this.options.now();
    const added: string[] = [];
    for (let i = 0; i < count; i++) {
      const spec = rng.pick(entry.account.kind === "CREDITCARD" ? CARD_MERCHANTS : EVERYDAY_MERCHANTS);
      const baseId = `${accountId}-x${list.length}`;
      list.push({ baseId, amount: -rng.int(spec.range[0], spec.range[1]), merchant: spec.name, category: spec.category, transactionMs: now, postLagDays: opts.pending ? Number.POSITIVE_INFINITY : 0 });
      added.push(baseId);
    }
    this.extras.set(accountId, list);
    this.version++;
    const ids = new Set(added.flatMap((id) => [id, `${id}-pending`]));
    return this.transactions(accountId).filter((t) => ids.has(t.id));
  }

  private build(account: SeedAccount, user: SeedUser, today: number): Txn[] {
    const movements: Movement[] = [];
    for (let day = today - this.options.historyDays; day <= today; day++) {
      movements.push(...this.movementsOn(account, user, day));
    }
    movements.push(...(this.extras.get(account.id) ?? []));
    const currency = account.currency ?? this.institution.currency;
    const nowMs = this.options.now();
    const txns: Txn[] = [];
    for (const m of movements) {
      // Purchases made later today have not happened yet.
      if (m.transactionMs > nowMs) continue;
      const dueMs = m.postLagDays === 0 ? m.transactionMs : (Math.floor(m.transactionMs / DAY_MS) + m.postLagDays) * DAY_MS;
      const postedMs = this.forcedPosted.get(m.baseId) ?? (dueMs <= nowMs ? dueMs : undefined);
      const pending = postedMs === undefined;
      // One object literal per transaction (no spreads): the large account builds 100k of these.
      txns.push({
        id: pending ? `${m.baseId}-pending` : m.baseId,
        accountId: account.id,
        status: pending ? "PENDING" : "POSTED",
        amount: m.amount,
        currency,
        description: m.merchant,
        merchant: m.merchant,
        category: m.category,
        transactionMs: m.transactionMs,
        postedMs,
        referenceTransactionId: !pending && m.postLagDays !== 0 ? `${m.baseId}-pending` : undefined,
        updatedMs: postedMs ?? m.transactionMs,
      });
    }
    txns.sort((a, b) => a.updatedMs - b.updatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return txns;
  }

  private movementsOn(account: SeedAccount, user: SeedUser, day: number): Movement[] {
    const rng = createRng(`${this.options.seed}|${account.id}|${day}`);
    const date = new Date(day * DAY_MS);
    const dom = date.getUTCDate();
    const lastDom = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    const ymd = date.toISOString().slice(0, 10).replaceAll("-", "");
    const out: Movement[] = [];
    const at = (seconds: number) => day * DAY_MS + seconds * 1000;
    const push = (amount: number, merchant: string, category: string, seconds: number, postLagDays: number) =>
      out.push({ baseId: `${account.id}-${ymd}-${out.length}`, amount, merchant, category, transactionMs: at(seconds), postLagDays });
    // Transfers and card payments pair accounts of one currency only (a euro account pays no dollar card).
    const currencyOf = (a: SeedAccount) => a.currency ?? this.institution.currency;
    const hasKind = (kind: SeedAccount["kind"]) => user.accounts.some((a) => a.kind === kind && currencyOf(a) === currencyOf(account));
    const purchase = (spec: MerchantSpec) => push(-rng.int(spec.range[0], spec.range[1]), spec.name, spec.category, rng.int(7 * 3600, 22 * 3600), rng.int(2, 4));

    if (account.kind === "CHECKING") {
      if (account.salary && (dom === 1 || dom === 15)) push(Math.round(account.salary / 2), account.incomeFrom ?? "Acme Corp Payroll", "Income", 6 * 3600, 0);
      if (account.rent && dom === 1) push(-account.rent, account.rentTo ?? "Oakview Property Mgmt", "Rent", 9 * 3600, 0);
      if (dom === 5) push(-rng.int(6_000, 18_000), "City Power & Light", "Utilities", 10 * 3600, 0);
      if (dom === 9) push(-6_999, "FiberNet Internet", "Utilities", 10 * 3600, 0);
      if (dom === 3 && hasKind("SAVINGS")) push(-30_000, "Transfer to savings", "Transfer", 8 * 3600, 0);
      if (dom === 20 && hasKind("CREDITCARD")) push(-this.cardPayment(user, date), "Credit card payment", "Transfer", 8 * 3600, 0);
      for (let n = rng.int(0, 2); n > 0; n--) purchase(rng.pick(EVERYDAY_MERCHANTS));
      if (account.largeTransactionCount) this.largeDay(account.largeTransactionCount, rng, purchase);
    } else if (account.kind === "SAVINGS") {
      if (dom === 3 && hasKind("CHECKING")) push(30_000, "Transfer from checking", "Transfer", 8 * 3600, 0);
      if (dom === lastDom) push(rng.int(150, 1_200), "Interest paid", "Interest", 23 * 3600, 0);
    } else {
      for (const sub of SUBSCRIPTIONS) if (dom === sub.day) push(-sub.amount, sub.name, sub.category, 5 * 3600, 1);
      if (dom === 20) push(this.cardPayment(user, date), "Payment - thank you", "Transfer", 8 * 3600, 0);
      for (let n = rng.int(0, 2); n > 0; n--) {
        const spec = rng.pick(CARD_MERCHANTS);
        // Travel is rare: most draws of it fall back to an everyday merchant.
        purchase(spec.category === "Travel" && !rng.chance(0.15) ? rng.pick(EVERYDAY_MERCHANTS) : spec);
      }
    }
    return out;
  }

  /** Spreads the large account's target count over the history, keeping the expected total exact-ish. */
  private largeDay(target: number, rng: Rng, purchase: (spec: MerchantSpec) => void) {
    const perDay = target / this.options.historyDays;
    let n = Math.floor(perDay) + (rng.chance(perDay - Math.floor(perDay)) ? 1 : 0);
    for (; n > 0; n--) purchase(rng.pick(rng.chance(0.5) ? EVERYDAY_MERCHANTS : CARD_MERCHANTS));
  }

  /** The same figure on the checking side and the card side: both derive it from (user, month). */
  private cardPayment(user: SeedUser, date: Date): number {
    const month = `${date.getUTCFullYear()}-${date.getUTCMonth() + 1}`;
    return createRng(`${this.options.seed}|${user.id}|card-payment|${month}`).int(90_000, 150_000);
  }
}

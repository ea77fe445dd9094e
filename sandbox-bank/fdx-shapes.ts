/**
 * FDX-shaped JSON for accounts and transactions. FDX carries decimal amounts; this sandbox adds
 * `amountMinor` (signed integer minor units) and `currency` beside them, so clients never parse
 * floats for money. Deposit accounts/transactions sit under `depositAccount`/`depositTransaction`,
 * cards under `locAccount`/`locTransaction`, as in FDX.
 */
import { CARD_CREDIT_LIMIT, type Balances, type Txn } from "./ledger";
import type { SeedAccount } from "./institutions";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const decimal = (minor: number) => Math.abs(minor) / 100;

export function accountJson(account: SeedAccount, currency: string, b: Balances) {
  const common = {
    accountId: account.id,
    accountType: account.kind,
    accountNumber: account.accountNumber,
    accountNumberDisplay: `...${account.accountNumber.slice(-4)}`,
    nickname: account.nickname,
    productName: account.productName,
    status: "OPEN",
    currency: { currencyCode: currency },
    balanceAsOf: iso(b.asOfMs),
  };
  if (account.kind === "CREDITCARD") {
    // A card's balance is what is owed: positive, the opposite sign of the ledger's running total.
    const owed = -b.current;
    return {
      locAccount: {
        ...common,
        currentBalance: decimal(owed),
        currentBalanceMinor: owed,
        creditLine: decimal(CARD_CREDIT_LIMIT),
        availableCredit: decimal(CARD_CREDIT_LIMIT - owed + b.pending),
        availableCreditMinor: CARD_CREDIT_LIMIT - owed + b.pending,
      },
    };
  }
  return {
    depositAccount: {
      ...common,
      currentBalance: b.current / 100,
      currentBalanceMinor: b.current,
      availableBalance: b.available / 100,
      availableBalanceMinor: b.available,
    },
  };
}

export function transactionJson(account: SeedAccount, t: Txn) {
  const body = {
    accountId: t.accountId,
    transactionId: t.id,
    referenceTransactionId: t.referenceTransactionId,
    status: t.status,
    transactionTimestamp: iso(t.transactionMs),
    postedTimestamp: iso(t.postedMs),
    updatedTimestamp: iso(t.updatedMs),
    description: t.description,
    merchant: { name: t.merchant },
    category: t.category,
    debitCreditMemo: t.amount < 0 ? "DEBIT" : "CREDIT",
    amount: decimal(t.amount),
    amountMinor: t.amount,
    currency: { currencyCode: t.currency },
  };
  return account.kind === "CREDITCARD" ? { locTransaction: body } : { depositTransaction: body };
}

/** Opaque keyset cursor over (updatedMs, id): stable when transactions are added meanwhile. */
export function encodeCursor(t: Pick<Txn, "updatedMs" | "id">): string {
  return Buffer.from(JSON.stringify([t.updatedMs, t.id])).toString("base64url");
}

export function decodeCursor(cursor: string): { updatedMs: number; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === "string") {
      return { updatedMs: value[0] as number, id: value[1] };
    }
  } catch {
    // fall through: a malformed cursor is the caller's 400
  }
  return undefined;
}

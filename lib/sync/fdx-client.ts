import "server-only";
import { z } from "zod";
import { bankFetch } from "@/lib/banking/retry-fetch";
import { boundaryText, readStreamLimited, storableText } from "@/lib/http";

/**
 * A small client for the FDX-shaped read API: every response is zod-parsed (a bank is an untrusted
 * boundary too), every request has a timeout and follows the caller's AbortSignal, and transactions
 * are read one page at a time (an async generator) so a sync never holds more than a page.
 */

export const PAGE_LIMIT = 1000;
const REQUEST_TIMEOUT_MS = 30_000;
/** A page of 1,000 transactions is ~0.6 MB: anything far larger is not an answer we will hold in memory. */
const MAX_RESPONSE_BYTES = 8 * 2 ** 20;

const currency = z.object({ currencyCode: z.string().regex(/^[A-Z]{3}$/) });
const minor = z.number().int().refine(Number.isSafeInteger, "out of range");
const timestamp = z.iso.datetime({ offset: true });

// Identifiers with a NUL or a broken character are refused (the page is malformed); display text is
// cleaned instead (lib/http/boundary-text.ts), so one odd description cannot stop a sync.
const id = (max: number) => boundaryText().min(1).max(max);
const label = (max: number) => z.string().max(max).transform(storableText);

const accountBody = z.object({
  accountId: id(200),
  accountType: label(40),
  accountNumber: id(64).optional(),
  nickname: label(200).optional(),
  productName: label(200).optional(),
  status: label(40).optional(),
  currency,
  balanceAsOf: timestamp.optional(),
  currentBalanceMinor: minor.optional(),
  availableBalanceMinor: minor.optional(),
  availableCreditMinor: minor.optional(),
});
const accountWrapper = z.union([z.object({ depositAccount: accountBody }), z.object({ locAccount: accountBody })]);
const accountsResponse = z.object({ accounts: z.array(accountWrapper).max(1000) });

const transactionBody = z.object({
  accountId: id(200),
  transactionId: id(200),
  referenceTransactionId: id(200).optional(),
  status: z.enum(["PENDING", "POSTED"]),
  transactionTimestamp: timestamp,
  postedTimestamp: timestamp.optional(),
  updatedTimestamp: timestamp,
  description: label(500).default(""),
  merchant: z.object({ name: label(200).optional() }).optional(),
  category: label(100).optional(),
  amountMinor: minor,
  currency,
});
const transactionWrapper = z.union([z.object({ depositTransaction: transactionBody }), z.object({ locTransaction: transactionBody })]);
const transactionsResponse = z.object({
  page: z.object({ nextOffset: id(2000).optional() }).default({}),
  transactions: z.array(transactionWrapper).max(PAGE_LIMIT),
});

export type FdxAccount = z.infer<typeof accountBody> & { kind: "deposit" | "loc" };
export type FdxTransaction = z.infer<typeof transactionBody>;
export type TransactionQuery = { updatedSince?: Date; startTime?: string; offset?: string };
export type TransactionPage = { transactions: FdxTransaction[]; nextOffset?: string };

/** The bank answered with an HTTP error (401 and 5xx are told apart by the caller). */
export class FdxHttpError extends Error {
  constructor(readonly status: number) {
    super(`FDX API answered HTTP ${status}`);
    this.name = "FdxHttpError";
  }
}

/** The bank's answer did not have the documented shape. */
export class FdxShapeError extends Error {
  constructor(readonly path: string) {
    super(`FDX API response for ${path} did not match the expected shape`);
    this.name = "FdxShapeError";
  }
}

/** The body as JSON, refusing (undefined) one past MAX_RESPONSE_BYTES or not JSON. */
async function readJson(res: Response): Promise<unknown> {
  const bytes = res.body ? await readStreamLimited(res.body, MAX_RESPONSE_BYTES) : null;
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

export type FdxClientOptions = { apiBaseUrl: string; accessToken: string; signal?: AbortSignal; fetchImpl?: typeof fetch };

export class FdxClient {
  constructor(private readonly o: FdxClientOptions) {}

  private async get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const signal = this.o.signal ? AbortSignal.any([this.o.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    // FDX reads are GETs: bankFetch retries one once after a reset keep-alive connection.
    const res = await (this.o.fetchImpl ?? bankFetch)(`${this.o.apiBaseUrl.replace(/\/+$/, "")}${path}`, {
      headers: { authorization: `Bearer ${this.o.accessToken}`, accept: "application/json" },
      signal,
      redirect: "error",
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new FdxHttpError(res.status);
    }
    const parsed = schema.safeParse(await readJson(res));
    if (!parsed.success) throw new FdxShapeError((path.split("?")[0] ?? path).replace(/^\/accounts\/[^/]+/, "/accounts/{id}"));
    return parsed.data;
  }

  async accounts(): Promise<FdxAccount[]> {
    const body = await this.get("/accounts", accountsResponse);
    return body.accounts.map((a) => ("depositAccount" in a ? { ...a.depositAccount, kind: "deposit" as const } : { ...a.locAccount, kind: "loc" as const }));
  }

  async transactionPage(accountId: string, q: TransactionQuery): Promise<TransactionPage> {
    const params = new URLSearchParams({ limit: String(PAGE_LIMIT) });
    if (q.updatedSince) params.set("updatedSince", q.updatedSince.toISOString());
    if (q.startTime) params.set("startTime", q.startTime);
    if (q.offset) params.set("offset", q.offset);
    const body = await this.get(`/accounts/${encodeURIComponent(accountId)}/transactions?${params}`, transactionsResponse);
    const transactions = body.transactions.map((t) => ("depositTransaction" in t ? t.depositTransaction : t.locTransaction));
    // A page of another account's rows would be written under this one: refuse it.
    if (transactions.some((t) => t.accountId !== accountId)) throw new FdxShapeError("/accounts/{id}/transactions");
    return { transactions, nextOffset: body.page.nextOffset };
  }
}

/**
 * The read-only FDX-shaped API: /fdx/accounts, /fdx/accounts/{id},
 * /fdx/accounts/{id}/transactions. Only consented accounts, only with a live grant.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkAccessToken } from "./access-token";
import { applyFaults } from "./faults";
import { accountJson, decodeCursor, encodeCursor, transactionJson } from "./fdx-shapes";
import type { InstitutionState } from "./institution-state";
import type { Txn } from "./ledger";
import { sendJson } from "./http-util";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const fdxError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { code, message }, headers);

/** A date-only endTime includes that whole day; timestamps are taken as given. */
function parseTime(value: string | null, endOfDay: boolean): number | undefined | null {
  if (value === null || value === "") return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return null;
  return dateOnly && endOfDay ? ms + 86_400_000 : ms;
}

/** First index whose (updatedMs, id) sorts after the given key: the ledger is kept in that order. */
function firstAfter(txns: Txn[], updatedMs: number, id: string | null): number {
  let lo = 0;
  let hi = txns.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = txns[mid] as Txn;
    const after = t.updatedMs > updatedMs || (t.updatedMs === updatedMs && id !== null && t.id > id);
    if (after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export async function handleFdx(bank: InstitutionState, req: IncomingMessage, res: ServerResponse, url: URL) {
  if (await applyFaults(bank.faults, res)) return;
  if (req.method !== "GET") return fdxError(res, 405, "405", "Read-only API.");
  const check = await checkAccessToken(bank, req.headers.authorization);
  if (!check.ok) {
    const www = `Bearer error="${check.error}", error_description="${check.description.replace(/"/g, "'")}"`;
    return fdxError(res, check.status, check.error, check.description, { "www-authenticate": www });
  }
  const { consent } = check;
  const parts = url.pathname.split("/").filter(Boolean); // ["fdx", "accounts", id?, "transactions"?]
  if (parts[1] !== "accounts" || parts.length > 4) return fdxError(res, 404, "404", "Not found.");
  const currency = bank.spec.currency;

  if (parts.length === 2) {
    const accounts = consent.accountIds.flatMap((id) => {
      const found = bank.ledger.findAccount(id);
      return found ? [accountJson(found.account, found.account.currency ?? currency, bank.ledger.balances(id))] : [];
    });
    return sendJson(res, 200, { page: { totalElements: accounts.length }, accounts });
  }

  const accountId = decodeURIComponent(parts[2] ?? "");
  // Not consented and non-existent look the same: no probing for other people's account ids.
  const found = consent.accountIds.includes(accountId) ? bank.ledger.findAccount(accountId) : undefined;
  if (!found) return fdxError(res, 403, "1107", "This account is not covered by the consent.");

  if (parts.length === 3) return sendJson(res, 200, accountJson(found.account, found.account.currency ?? currency, bank.ledger.balances(accountId)));
  if (parts[3] !== "transactions") return fdxError(res, 404, "404", "Not found.");

  const q = url.searchParams;
  const limit = q.has("limit") ? Number(q.get("limit")) : DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return fdxError(res, 400, "400", `limit must be 1-${MAX_LIMIT}.`);
  const start = parseTime(q.get("startTime"), false);
  const end = parseTime(q.get("endTime"), true);
  const updatedSince = parseTime(q.get("updatedSince"), false);
  if (start === null || end === null || updatedSince === null) return fdxError(res, 400, "400", "Dates must be YYYY-MM-DD or ISO 8601.");
  const offset = q.get("offset");
  const cursor = offset ? decodeCursor(offset) : undefined;
  if (offset && !cursor) return fdxError(res, 400, "400", "Invalid offset.");

  const txns = bank.ledger.transactions(accountId);
  let i = 0;
  if (cursor) i = firstAfter(txns, cursor.updatedMs, cursor.id);
  if (updatedSince !== undefined) i = Math.max(i, firstAfter(txns, updatedSince - 1, null));
  const page: Txn[] = [];
  let more = false;
  for (; i < txns.length; i++) {
    const t = txns[i] as Txn;
    if (start !== undefined && t.transactionMs < start) continue;
    if (end !== undefined && t.transactionMs >= end) continue;
    if (page.length === limit) {
      more = true;
      break;
    }
    page.push(t);
  }
  const last = page.at(-1);
  const nextOffset = more && last ? encodeCursor(last) : undefined;
  let next: { href: string } | undefined;
  if (nextOffset) {
    const nextUrl = new URL(url);
    nextUrl.searchParams.set("offset", nextOffset);
    next = { href: `${nextUrl.pathname}${nextUrl.search}` };
  }
  return sendJson(res, 200, { page: { nextOffset }, links: next ? { next } : {}, transactions: page.map((t) => transactionJson(found.account, t)) });
}

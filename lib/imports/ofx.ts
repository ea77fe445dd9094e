import "server-only";
import { Ofx } from "ofx-data-extractor";
import type { RowError } from "./csv";
import { parseAmountMinor, parseDay } from "./values";

export type OfxTransaction = { fitId: string; bookedOn: string; amountMinor: number; description: string; merchant: string | null };
export type OfxStatement = { accountId: string; accountType: string; currency: string; transactions: OfxTransaction[] };

const TYPES: Record<string, string> = { CHECKING: "checking", SAVINGS: "savings", MONEYMRKT: "savings", CREDITLINE: "loan", CREDITCARD: "credit_card" };

/** Puts each SGML tag on its own line: the parser reads one element per line, and many banks write one line. */
function lineBreakTags(text: string): string {
  const start = text.indexOf("<OFX>");
  if (start < 0) return text;
  return text.slice(0, start) + text.slice(start).replace(/\s*</g, "\n<");
}

/** An OFX/QFX statement (bank or credit card) through ofx-data-extractor; amounts by string, never float. */
export function parseOfxStatement(text: string): { statement: OfxStatement | null; errors: RowError[] } {
  let normalized;
  try {
    const ofx = new Ofx(lineBreakTags(text));
    const validation = ofx.validate();
    if (!validation.isValid) return { statement: null, errors: validation.errors.map((e) => ({ message: `The OFX file is not valid: ${e.message}` })) };
    normalized = ofx.toNormalized({ amountMode: "string", dateMode: "raw" });
  } catch {
    return { statement: null, errors: [{ message: "The file could not be read as OFX. Export the statement again as OFX (Money/Quicken format) or CSV." }] };
  }
  const txs = normalized.transactions;
  const first = txs[0];
  const account = (first?.account ?? {}) as Record<string, unknown>;
  const accountId = String(account.ACCTID ?? "").trim();
  if (!first || !accountId) return { statement: null, errors: [{ message: "The OFX file has no account number or no transactions." }] };
  const errors: RowError[] = [];
  const transactions: OfxTransaction[] = [];
  txs.forEach((t, i) => {
    const raw = t.raw as Record<string, unknown>;
    const n = i + 1;
    const fitId = String(t.fitId ?? "").trim();
    const bookedOn = parseDay(String(raw.DTPOSTED ?? ""));
    const amountMinor = parseAmountMinor(String(raw.TRNAMT ?? ""));
    if (!fitId) return void errors.push({ line: n, message: `Transaction ${n} has no FITID (the bank's transaction id).` });
    if (!bookedOn) return void errors.push({ line: n, message: `Transaction ${n} (${fitId.slice(0, 40)}) has an unreadable date.` });
    if (amountMinor === null) return void errors.push({ line: n, message: `Transaction ${n} (${fitId.slice(0, 40)}) has an unreadable amount.` });
    const name = String(raw.NAME ?? "").trim();
    const memo = String(raw.MEMO ?? "").trim();
    const description = (name && memo && memo !== name ? `${name} — ${memo}` : name || memo || String(raw.TRNTYPE ?? "Transaction")).slice(0, 500);
    transactions.push({ fitId: fitId.slice(0, 255), bookedOn, amountMinor, description, merchant: name ? name.slice(0, 200) : null });
  });
  const currency = String(first.currency ?? "USD").toUpperCase();
  const accountType = first.source === "credit_card" ? "credit_card" : (TYPES[String(account.ACCTTYPE ?? "").toUpperCase()] ?? "other");
  return { statement: { accountId, accountType, currency: /^[A-Z]{3}$/.test(currency) ? currency : "USD", transactions }, errors };
}

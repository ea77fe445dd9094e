import "server-only";
import { Ofx } from "ofx-data-extractor";
import type { RowError } from "./csv";
import { parseAmountMinor, parseDay } from "./values";

export type OfxTransaction = { fitId: string; bookedOn: string; amountMinor: number; description: string; merchant: string | null };
export type OfxStatement = { accountId: string; accountType: string; currency: string; transactions: OfxTransaction[] };

const TYPES: Record<string, string> = { CHECKING: "checking", SAVINGS: "savings", MONEYMRKT: "savings", CREDITLINE: "loan", CREDITCARD: "credit_card" };

/**
 * One element per line, as the parser reads them (many banks write the whole file on one line):
 * every opening tag starts a line, and so does a closing tag that follows another tag. A closing tag
 * right after a value stays on its line when it closes that element (OFX 2, XML: `<NAME>x</NAME>`)
 * and starts one when it closes an aggregate (OFX 1, SGML leaves elements open: `<CODE>0</STATUS>`).
 */
function lineBreakTags(text: string): string {
  const start = text.indexOf("<OFX>");
  if (start < 0) return text;
  const body = text
    .slice(start)
    .replace(/\s*<(?!\/)/g, "\n<")
    .replace(/>\s*<\//g, ">\n</")
    .replace(/^(<([A-Za-z0-9.]+)>[^<\n]*)(<\/(?!\2>)[A-Za-z0-9.]+>)/gm, "$1\n$3");
  return text.slice(0, start) + body;
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

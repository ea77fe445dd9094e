/**
 * Amounts and dates as statement files write them. Money becomes integer minor units by string
 * arithmetic (never floats); dates become ISO days.
 */

export type DateFormat = "YYYY-MM-DD" | "MM/DD/YYYY" | "DD/MM/YYYY" | "DD.MM.YYYY" | "YYYYMMDD";
export const DATE_FORMATS: readonly DateFormat[] = ["YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "YYYYMMDD"];

/** "1,234.56", "-42.5", "(42.50)", "$ 12", "12-" → minor units, or null when it is not an amount. */
export function parseAmountMinor(raw: string, decimal: "." | "," = "."): number | null {
  let t = raw.trim().replace(/[\s$€£¥]/g, "").replace(/^[A-Z]{3}/, "").replace(/[A-Z]{3}$/, "");
  let negative = false;
  if (t.startsWith("(") && t.endsWith(")")) {
    negative = true;
    t = t.slice(1, -1);
  }
  if (t.endsWith("-")) {
    negative = !negative;
    t = t.slice(0, -1);
  }
  if (t.startsWith("-")) {
    negative = !negative;
    t = t.slice(1);
  } else if (t.startsWith("+")) t = t.slice(1);
  const [units, cents = "", ...rest] = t.split(decimal).map((part, i) => (i === 0 ? part.split(decimal === "." ? "," : ".").join("") : part));
  // 13 digits of units keep every amount, in minor units, an exact JavaScript number (below 2^53):
  // a larger one would silently round (ASVS V1.4.2), so it is refused with the row's message.
  if (rest.length || !/^\d{1,13}$/.test(units ?? "") || !/^\d{0,2}$/.test(cents) || (t.includes(decimal) && !cents)) return null;
  const minor = Number(units) * 100 + Number(cents.padEnd(2, "0"));
  return negative ? -minor : minor;
}

const parts = (t: string, re: RegExp) => re.exec(t)?.slice(1).map(Number) ?? null;

/** A day in the given format (or recognised unambiguously when none is given), as YYYY-MM-DD. */
export function parseDay(raw: string, format?: DateFormat): string | null {
  const t = raw.trim().slice(0, 40);
  const day = t.split(/[T ]/)[0]!;
  // OFX: YYYYMMDD[HHMMSS[.XXX]][[tz]]
  const ofx = t.split("[")[0]!.split(".")[0]!;
  const tries: [DateFormat, () => number[] | null][] = [
    ["YYYY-MM-DD", () => parts(day, /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/)],
    ["YYYYMMDD", () => (/^\d{8}$|^\d{14}$/.test(ofx) ? [Number(ofx.slice(0, 4)), Number(ofx.slice(4, 6)), Number(ofx.slice(6, 8))] : null)],
    ["MM/DD/YYYY", () => parts(t, /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/)?.map((_, i, a) => a[[2, 0, 1][i]!]!) ?? null],
    ["DD/MM/YYYY", () => parts(t, /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/)?.map((_, i, a) => a[[2, 1, 0][i]!]!) ?? null],
    ["DD.MM.YYYY", () => parts(t, /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/)?.map((_, i, a) => a[[2, 1, 0][i]!]!) ?? null],
  ];
  // Without a format, DD/MM/YYYY is never guessed: 05/11 reads as May 11 (US banks' default).
  const ymd = tries.filter(([f]) => (format ? f === format : f !== "DD/MM/YYYY")).map(([, read]) => read()).find(Boolean);
  if (!ymd) return null;
  const [y, mo, d] = ymd as [number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200) return null;
  return date.toISOString().slice(0, 10);
}

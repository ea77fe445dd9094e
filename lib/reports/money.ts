/**
 * Money in integer minor units, carried as decimal strings (from SQL sums) or BigInt, never as
 * floats. One table of ISO 4217 exponents is the single source for formatting, CSV and the SQL
 * amount filter, so "12.50" means the same thing in all three.
 */

/** Currencies whose minor unit is not 1/100 (ISO 4217); every other code has 2 decimals. */
const EXPONENTS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"].map((c) => [c, 0])),
  ...Object.fromEntries(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"].map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** [exponent, codes] for every exponent other than 2: the SQL amount filter builds its CASE from it. */
export function nonDefaultExponents(): [number, string[]][] {
  const by = new Map<number, string[]>();
  for (const [code, exp] of Object.entries(EXPONENTS)) by.set(exp, [...(by.get(exp) ?? []), code]);
  return [...by.entries()];
}

const MINOR = /^-?\d{1,20}$/;

function toBigInt(minor: string | bigint | number): bigint {
  if (typeof minor === "bigint") return minor;
  if (typeof minor === "number") {
    if (!Number.isSafeInteger(minor)) throw new RangeError("minor units must be a safe integer");
    return BigInt(minor);
  }
  if (!MINOR.test(minor)) throw new RangeError("minor units must be an integer string");
  return BigInt(minor);
}

/** "-123456" USD -> "-1234.56"; JPY -> "-123456"; KWD -> "-123.456". Exact: string arithmetic only. */
export function minorToDecimal(minor: string | bigint | number, currency: string): string {
  const value = toBigInt(minor);
  const exp = currencyExponent(currency);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (exp === 0) return `${negative ? "-" : ""}${digits}`;
  const padded = digits.padStart(exp + 1, "0");
  return `${negative ? "-" : ""}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

/**
 * "12.5" in a currency -> minor units as BigInt, or null when it has more decimals than the
 * currency has (so a filter never silently rounds). Accepts an optional leading minus.
 */
export function decimalToMinor(decimal: string, currency: string): bigint | null {
  const negative = decimal.startsWith("-");
  const [whole = "", frac = "", ...rest] = (negative ? decimal.slice(1) : decimal).split(".");
  if (rest.length || !/^\d{1,15}$/.test(whole) || !/^\d{0,4}$/.test(frac) || (decimal.includes(".") && !frac)) return null;
  const exp = currencyExponent(currency);
  if (frac.length > exp) return null;
  const value = BigInt(whole + frac.padEnd(exp, "0"));
  return negative ? -value : value;
}

/**
 * Formats minor units for people: Intl.NumberFormat by currency, fed the exact decimal string
 * (Intl formats numeric strings without going through a float), with the currency's own decimals.
 */
export function formatMoney(minor: string | bigint | number, currency: string, locale = "en-US"): string {
  const exp = currencyExponent(currency);
  const format = new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: exp, maximumFractionDigits: exp });
  // Intl.NumberFormat.format accepts a decimal string exactly ("StringNumericLiteral"); the types lag.
  return format.format(minorToDecimal(minor, currency) as unknown as number);
}

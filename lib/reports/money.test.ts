import { describe, expect, it } from "vitest";
import { currencyExponent, decimalToMinor, formatMoney, minorToDecimal } from "./money";

describe("money in minor units", () => {
  it("turns minor units into exact decimal strings for 0, 2 and 3 decimal currencies", () => {
    expect(minorToDecimal("-123456", "USD")).toBe("-1234.56");
    expect(minorToDecimal("5", "EUR")).toBe("0.05");
    expect(minorToDecimal("-5", "EUR")).toBe("-0.05");
    expect(minorToDecimal("0", "USD")).toBe("0.00");
    expect(minorToDecimal("123456", "JPY")).toBe("123456");
    expect(minorToDecimal("-1234", "KWD")).toBe("-1.234");
    // beyond 2^53: no float on the way
    expect(minorToDecimal("92233720368547758", "USD")).toBe("922337203685477.58");
    expect(minorToDecimal(9_007_199_254_740_993n, "USD")).toBe("90071992547409.93");
    expect(() => minorToDecimal("1.5", "USD")).toThrow();
    expect(() => minorToDecimal(0.1 as number, "USD")).toThrow();
  });

  it("V2.2.1 reads a decimal into minor units and refuses more decimals than the currency has", () => {
    expect(decimalToMinor("12.5", "USD")).toBe(1250n);
    expect(decimalToMinor("12", "JPY")).toBe(12n);
    expect(decimalToMinor("12.5", "JPY")).toBeNull();
    expect(decimalToMinor("0.001", "KWD")).toBe(1n);
    expect(decimalToMinor("0.001", "USD")).toBeNull();
    expect(decimalToMinor("-3.10", "EUR")).toBe(-310n);
    expect(decimalToMinor("1e5", "USD")).toBeNull();
  });

  it("formats with Intl by currency, with each currency's own decimals", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("BHD")).toBe(3);
    expect(currencyExponent("EUR")).toBe(2);
    expect(formatMoney("-123456", "USD")).toBe("-$1,234.56");
    expect(formatMoney("123456", "JPY")).toBe("¥123,456");
    expect(formatMoney("1234", "KWD")).toMatch(/KWD\s1\.234/);
    expect(formatMoney("92233720368547758", "USD")).toBe("$922,337,203,685,477.58");
    expect(formatMoney("100", "EUR", "de-DE")).toBe("1,00\u00a0€");
  });
});

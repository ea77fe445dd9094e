import { z } from "zod";
import type { MonthFlow } from "./summary";

/**
 * The dashboard's period: the last 3, 6, 12 or 24 months, this one included (UTC), chosen in the
 * URL (?period=6). Explicit from/to dates in the filter form take precedence over it.
 */
export const DASHBOARD_PERIODS = [3, 6, 12, 24] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];
export const DEFAULT_PERIOD: DashboardPeriod = 12;
export const PERIOD_PROBLEM = "Choose a period of 3, 6, 12 or 24 months.";

export const dashboardPeriodSchema = z.preprocess(
  (v) => (Array.isArray(v) ? v[0] : v) || undefined,
  z
    .enum(DASHBOARD_PERIODS.map(String) as ["3", "6", "12", "24"], { error: PERIOD_PROBLEM })
    .default(String(DEFAULT_PERIOD) as "12")
    .transform((v) => Number(v) as DashboardPeriod),
);

export function parseDashboardPeriod(raw: unknown): { ok: true; period: DashboardPeriod } | { ok: false; problem: string } {
  const parsed = dashboardPeriodSchema.safeParse(raw);
  return parsed.success ? { ok: true, period: parsed.data } : { ok: false, problem: PERIOD_PROBLEM };
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** The first day of the month `months - 1` months back, to today. */
export function periodRange(months: number, today: Date): { from: string; to: string } {
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - (months - 1), 1));
  return { from: ymd(start), to: ymd(today) };
}

/** Every month from `from`'s to `to`'s, as YYYY-MM, oldest first (at most 600: a 50-year range). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while ((y < endY || (y === endY && m <= endM)) && out.length < 600) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/**
 * Cash flow with every month of the range present for each currency that has any: a month without
 * transactions is a zero, not a gap, so a quiet month is visible as one. A row outside the range
 * widens it rather than being dropped.
 */
export function fillMonths(rows: MonthFlow[], from: string, to: string): MonthFlow[] {
  const seen = rows.map((r) => r.month).sort();
  const start = seen[0] && seen[0] < from.slice(0, 7) ? seen[0] : from.slice(0, 7);
  const end = seen.at(-1) && seen.at(-1)! > to.slice(0, 7) ? seen.at(-1)! : to.slice(0, 7);
  const months = monthsBetween(`${start}-01`, `${end}-01`);
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const known = new Map(rows.map((r) => [`${r.currency}|${r.month}`, r]));
  return currencies.flatMap((currency) => months.map((month) => known.get(`${currency}|${month}`) ?? { month, currency, inMinor: "0", outMinor: "0" }));
}

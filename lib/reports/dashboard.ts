import "server-only";
import type { Database } from "@/db";
import { now } from "@/lib/clock";
import { isAppError } from "@/lib/errors";
import { balanceTrend, type BalancePoint } from "./balance-trend";
import { assertFilterScope, type ReportFilters } from "./filters";
import { DEFAULT_PERIOD, fillMonths, periodRange, type DashboardPeriod } from "./period";
import { monthlyCashFlow, topCategories, topMerchants, totalBalances, type CurrencyTotal, type MonthFlow, type Ranked } from "./summary";

export type DashboardData = {
  filters: ReportFilters;
  /** The period shown, or null when the dates were given explicitly. */
  period: DashboardPeriod | null;
  totals: CurrencyTotal[];
  trend: BalancePoint[];
  months: MonthFlow[];
  categories: Ranked[];
  merchants: Ranked[];
};

/** Without dates the dashboard shows the last `months` months (12 by default), this one included (UTC). */
export function withDefaultRange(filters: ReportFilters, today = now(), months: number = DEFAULT_PERIOD): ReportFilters {
  if (filters.from || filters.to) return filters;
  return { ...filters, ...periodRange(months, today) };
}

/**
 * Everything the dashboard shows, for the session's organization. A 404 from the scope check
 * (an account id of another organization in the URL) comes back as a sentence, not a crash.
 * Months without transactions are zeros; the balance trend runs from the period's first month to now.
 */
export async function loadDashboard(
  db: Database,
  organizationId: string,
  parsed: ReportFilters,
  opts: { period?: DashboardPeriod } = {},
): Promise<{ ok: true; data: DashboardData } | { ok: false; problem: string }> {
  const today = now();
  const explicit = Boolean(parsed.from || parsed.to);
  const filters = withDefaultRange(parsed, today, opts.period ?? DEFAULT_PERIOD);
  try {
    await assertFilterScope(db, organizationId, filters);
  } catch (e) {
    if (isAppError(e) && e.status === 404) return { ok: false, problem: `${e.message} Choose accounts from the list.` };
    throw e;
  }
  const todayYmd = today.toISOString().slice(0, 10);
  const from = filters.from ?? periodRange(DEFAULT_PERIOD, today).from;
  const to = filters.to ?? todayYmd;
  const [totals, months, categories, merchants, trend] = await Promise.all([
    totalBalances(db, organizationId, filters),
    monthlyCashFlow(db, organizationId, filters),
    topCategories(db, organizationId, filters),
    topMerchants(db, organizationId, filters),
    balanceTrend(db, organizationId, { from: from <= todayYmd ? from : todayYmd, today: todayYmd, accountIds: filters.account }),
  ]);
  return { ok: true, data: { filters, period: explicit ? null : (opts.period ?? DEFAULT_PERIOD), totals, trend, months: fillMonths(months, from, to), categories, merchants } };
}

/** Who can give a person access to the figures (roles:assign holders in the built-in roles). */
export const PERMISSION_GRANTERS = "An owner or admin of your organization (anyone who can change members' roles)";

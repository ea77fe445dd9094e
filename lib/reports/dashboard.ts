import "server-only";
import type { Database } from "@/db";
import { now } from "@/lib/clock";
import { isAppError } from "@/lib/errors";
import { assertFilterScope, type ReportFilters } from "./filters";
import { monthlyCashFlow, topCategories, topMerchants, totalBalances, type CurrencyTotal, type MonthFlow, type Ranked } from "./summary";

export type DashboardData = { filters: ReportFilters; totals: CurrencyTotal[]; months: MonthFlow[]; categories: Ranked[]; merchants: Ranked[] };

/** Without dates the dashboard shows the last 12 months, this one included (UTC). */
export function withDefaultRange(filters: ReportFilters, today = now()): ReportFilters {
  if (filters.from || filters.to) return filters;
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 11, 1));
  return { ...filters, from: start.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };
}

/**
 * Everything the dashboard shows, for the session's organization. A 404 from the scope check
 * (an account id of another organization in the URL) comes back as a sentence, not a crash.
 */
export async function loadDashboard(db: Database, organizationId: string, parsed: ReportFilters): Promise<{ ok: true; data: DashboardData } | { ok: false; problem: string }> {
  const filters = withDefaultRange(parsed);
  try {
    await assertFilterScope(db, organizationId, filters);
  } catch (e) {
    if (isAppError(e) && e.status === 404) return { ok: false, problem: `${e.message} Choose accounts from the list.` };
    throw e;
  }
  const [totals, months, categories, merchants] = await Promise.all([
    totalBalances(db, organizationId, filters),
    monthlyCashFlow(db, organizationId, filters),
    topCategories(db, organizationId, filters),
    topMerchants(db, organizationId, filters),
  ]);
  return { ok: true, data: { filters, totals, months, categories, merchants } };
}

/** Who can give a person access to the figures (roles:assign holders in the built-in roles). */
export const PERMISSION_GRANTERS = "An owner or admin of your organization (anyone who can change members' roles)";

import "server-only";
/** Reports over the organization's bank data: dashboard figures, the transaction table, CSV export. */
export {
  assertFilterScope,
  escapeLike,
  parseReportFilters,
  parseReportFiltersOrThrow,
  reportFilterParams,
  reportFilters,
  reportFiltersSchema,
  type ReportFilters,
  type ReportFiltersInput,
} from "./filters";
export { currencyExponent, decimalToMinor, formatMoney, minorToDecimal } from "./money";
export {
  listAccounts,
  listCategories,
  listConnectionStatus,
  monthlyCashFlow,
  topCategories,
  topMerchants,
  totalBalances,
  type AccountChoice,
  type CategoryChoice,
  type ConnectionSummary,
  type CurrencyTotal,
  type MonthFlow,
  type Ranked,
} from "./summary";
export { decodeCursor, listTransactions, TRANSACTIONS_PAGE_SIZE, type TransactionPage, type TransactionRow } from "./transactions";
export { CSV_COLUMNS, transactionsCsv } from "./csv";
export { loadDashboard, PERMISSION_GRANTERS, withDefaultRange, type DashboardData } from "./dashboard";
export { balanceTrend, type BalancePoint } from "./balance-trend";
export { DASHBOARD_PERIODS, DEFAULT_PERIOD, fillMonths, monthsBetween, parseDashboardPeriod, periodRange, type DashboardPeriod } from "./period";
export { describeFreshness, timeAgo, type Freshness } from "./freshness";

import { formatMoney } from "@/lib/reports";

/** An amount in minor units, formatted for its currency; negative amounts are money out. */
export function Money({ minor, currency, className = "" }: { minor: string; currency: string; className?: string }) {
  const negative = minor.startsWith("-");
  return <span className={`tabular-nums whitespace-nowrap ${negative ? "text-red-800" : ""} ${className}`}>{formatMoney(minor, currency)}</span>;
}

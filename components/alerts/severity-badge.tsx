import type { AlertSeverity } from "@/lib/alerts";

const STYLES: Record<AlertSeverity, string> = {
  low: "bg-slate-100 text-slate-800",
  medium: "bg-amber-100 text-amber-900",
  high: "bg-orange-100 text-orange-900",
  critical: "bg-red-100 text-red-900",
};

/** Severity as a word, never colour alone (the colour only repeats it). */
export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-semibold uppercase ${STYLES[severity]}`}>{severity}</span>;
}

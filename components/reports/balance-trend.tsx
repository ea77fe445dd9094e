import { formatMoney, type BalancePoint } from "@/lib/reports";
import { monthLabel } from "./cash-flow-chart";
import { Money } from "./money";

const W = 240;
const H = 56;
const PAD = 4;

/**
 * One currency's month-end balances as a small line (server-rendered SVG, a <title> per point for
 * the pointer), the change over the period in words, and the figures as a table on demand.
 */
export function BalanceTrend({ points, currency }: { points: BalancePoint[]; currency: string }) {
  if (points.length === 0) return null;
  const values = points.map((p) => Number(BigInt(p.balanceMinor)));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = (i: number) => PAD + (points.length === 1 ? (W - 2 * PAD) / 2 : (i * (W - 2 * PAD)) / (points.length - 1));
  const y = (v: number) => (hi === lo ? H / 2 : PAD + ((hi - v) * (H - 2 * PAD)) / (hi - lo));
  const first = points[0]!;
  const last = points.at(-1)!;
  const change = BigInt(last.balanceMinor) - BigInt(first.balanceMinor);
  const tableId = `balance-trend-${currency}`;
  return (
    <div className="mt-3" data-testid="balance-trend">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} className="max-w-full h-auto" aria-hidden="true">
        <polyline points={values.map((v, i) => `${x(i)},${y(v)}`).join(" ")} fill="none" stroke="#1e3a8a" strokeWidth={2} />
        {points.map((p, i) => (
          <circle key={p.month} cx={x(i)} cy={y(values[i]!)} r={4} fill="#1e3a8a" fillOpacity={i === points.length - 1 ? 1 : 0.001}>
            <title>{`End of ${monthLabel(p.month)}: ${formatMoney(p.balanceMinor, currency)}`}</title>
          </circle>
        ))}
      </svg>
      <p className="text-xs text-slate-700">
        {change >= 0n ? "Up" : "Down"} <Money minor={(change < 0n ? -change : change).toString()} currency={currency} /> since the end of {monthLabel(first.month)}
      </p>
      <details className="mt-1 text-xs">
        <summary className="cursor-pointer text-blue-700 underline">Month-end balances</summary>
        <table id={tableId} className="mt-1 w-full border-collapse">
          <caption className="sr-only">{`Total ${currency} balance at the end of each month`}</caption>
          <thead>
            <tr className="border-b text-left">
              <th scope="col" className="p-1">Month</th>
              <th scope="col" className="p-1 text-right">Balance</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.month} className="border-b">
                <th scope="row" className="p-1 text-left font-normal"><time dateTime={p.month}>{monthLabel(p.month)}</time></th>
                <td className="p-1 text-right"><Money minor={p.balanceMinor} currency={currency} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

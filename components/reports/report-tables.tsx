import { type MonthFlow, type Ranked, currencyExponent } from "@/lib/reports";
import { CashFlowChart } from "./cash-flow-chart";
import { Money } from "./money";

const byCurrency = <T extends { currency: string }>(rows: T[]) => {
  const map = new Map<string, T[]>();
  for (const r of rows) map.set(r.currency, [...(map.get(r.currency) ?? []), r]);
  return [...map.entries()];
};

/**
 * Monthly money in and out, one block per currency: the chart for the eye, and the table that
 * states every figure exactly (the chart's text alternative).
 */
export function CashFlowSection({ months }: { months: MonthFlow[] }) {
  if (!months.length) return <p className="text-sm text-slate-600">No transactions in this period.</p>;
  return (
    <>
      {byCurrency(months).map(([currency, rows]) => {
        const tableId = `cash-flow-table-${currency}`;
        return (
          <figure key={currency} className="mb-6" aria-describedby={tableId}>
            <figcaption className="mb-2 text-sm font-medium text-slate-800">Money in and out per month, {currency}</figcaption>
            {/* Bar heights only: BigInt -> Number is exact up to 2^53 minor units, and only drawn. */}
            <CashFlowChart currency={currency} exponent={currencyExponent(currency)} data={rows.map((r) => ({ month: r.month, in: Number(BigInt(r.inMinor)), out: Number(BigInt(r.outMinor)) }))} />
            <details className="mt-2">
              <summary className="cursor-pointer text-sm text-blue-700 underline">The figures as a table</summary>
              <table id={tableId} className="mt-2 w-full border-collapse bg-white text-sm">
                <caption className="sr-only">Money in and out per month in {currency}</caption>
                <thead>
                  <tr className="border-b text-left">
                    <th scope="col" className="p-2">Month</th>
                    <th scope="col" className="p-2 text-right">Money in</th>
                    <th scope="col" className="p-2 text-right">Money out</th>
                    <th scope="col" className="p-2 text-right">Net</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.month} className="border-b" data-testid="cash-flow-row">
                      <th scope="row" className="p-2 text-left font-normal">{r.month}</th>
                      <td className="p-2 text-right"><Money minor={r.inMinor} currency={currency} /></td>
                      <td className="p-2 text-right"><Money minor={r.outMinor} currency={currency} /></td>
                      <td className="p-2 text-right"><Money minor={(BigInt(r.inMinor) - BigInt(r.outMinor)).toString()} currency={currency} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </figure>
        );
      })}
    </>
  );
}

/** Top categories or merchants by money out, per currency. */
export function RankedTable({ title, rows, label }: { title: string; rows: Ranked[]; label: string }) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 text-lg font-medium">{title}</h2>
      {rows.length === 0 ? <p className="text-sm text-slate-600">No money went out in this period.</p> : null}
      {byCurrency(rows).map(([currency, list]) => (
        <table key={currency} className="mb-3 w-full border-collapse text-sm">
          <caption className="text-left text-xs font-semibold text-slate-600">{currency}</caption>
          <thead>
            <tr className="border-b text-left">
              <th scope="col" className="p-1">{label}</th>
              <th scope="col" className="p-1 text-right">Money out</th>
              <th scope="col" className="p-1 text-right">Count</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.name} className="border-b">
                <th scope="row" className="p-1 text-left font-normal">{r.name}</th>
                <td className="p-1 text-right"><Money minor={r.outflowMinor} currency={currency} /></td>
                <td className="p-1 text-right tabular-nums">{r.transactions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}

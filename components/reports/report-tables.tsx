import { currencyExponent, formatMoney, type MonthFlow, type Ranked } from "@/lib/reports";
import { CashFlowChart, IN_COLOUR, monthLabel, NET_COLOUR, OUT_COLOUR } from "./cash-flow-chart";
import { DataTable } from "@/components/data-table";
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
            <Legend />
            <p className="sr-only">{flowSummary(rows, currency)}</p>
            {/* One drawing that fills the width; on a phone it labels fewer months (see CashFlowChart). */}
            <CashFlowChart currency={currency} exponent={currencyExponent(currency)} data={chartData(rows)} />
            <details className="mt-2">
              <summary className="cursor-pointer text-sm text-blue-700 underline">The figures as a table</summary>
              <DataTable
                id={tableId}
                className="mt-2"
                caption={`Money in and out per month in ${currency}`}
                rows={rows}
                rowKey={(r) => r.month}
                rowTestId="cash-flow-row"
                columns={[
                  { header: "Month", rowHeader: true, cell: (r) => <time dateTime={r.month}>{monthLabel(r.month)}</time> },
                  { header: "Money in", align: "right", cell: (r) => <Money minor={r.inMinor} currency={currency} /> },
                  { header: "Money out", align: "right", cell: (r) => <Money minor={r.outMinor} currency={currency} /> },
                  { header: "Net", align: "right", cell: (r) => <Money minor={(BigInt(r.inMinor) - BigInt(r.outMinor)).toString()} currency={currency} /> },
                ]}
              />
            </details>
          </figure>
        );
      })}
    </>
  );
}

/** Bar heights only: BigInt -> Number is exact up to 2^53 minor units, and only drawn. */
const chartData = (rows: MonthFlow[]) =>
  rows.map((r) => ({ month: r.month, in: Number(BigInt(r.inMinor)), out: Number(BigInt(r.outMinor)), inMinor: r.inMinor, outMinor: r.outMinor, netMinor: (BigInt(r.inMinor) - BigInt(r.outMinor)).toString() }));

function Legend() {
  const swatch = (colour: string, label: string, line = false) => (
    <span className="inline-flex items-center gap-1">
      <svg width="14" height="10" aria-hidden="true">
        {line ? <line x1="0" y1="5" x2="14" y2="5" stroke={colour} strokeWidth="2" /> : <rect width="14" height="10" fill={colour} />}
      </svg>
      {label}
    </span>
  );
  return (
    <p className="mb-1 flex gap-4 text-xs text-slate-700" aria-hidden="true">
      {swatch(IN_COLOUR, "Money in")}
      {swatch(OUT_COLOUR, "Money out")}
      {swatch(NET_COLOUR, "Net", true)}
    </p>
  );
}

/** The chart in one sentence, for screen readers: the period's totals; the table has each month. */
function flowSummary(rows: MonthFlow[], currency: string): string {
  const sum = (pick: (r: MonthFlow) => string) => rows.reduce((s, r) => s + BigInt(pick(r)), 0n);
  const totalIn = sum((r) => r.inMinor);
  const totalOut = sum((r) => r.outMinor);
  const first = rows[0]!.month;
  const last = rows.at(-1)!.month;
  return `Chart of money in and out per month in ${currency}, ${monthLabel(first)} to ${monthLabel(last)}: ${formatMoney(totalIn, currency)} in, ${formatMoney(totalOut, currency)} out, net ${formatMoney(totalIn - totalOut, currency)}. Each month's figures are in the table that follows.`;
}

/** Top categories or merchants by money out, per currency. */
export function RankedTable({ title, rows, label }: { title: string; rows: Ranked[]; label: string }) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 text-lg font-medium">{title}</h2>
      {rows.length === 0 ? <p className="text-sm text-slate-600">No money went out in this period.</p> : null}
      {byCurrency(rows).map(([currency, list]) => (
        <DataTable
          key={currency}
          className="mb-3"
          caption={currency}
          visibleCaption
          rows={list}
          rowKey={(r) => r.name}
          columns={[
            { header: label, rowHeader: true, cell: (r) => r.name },
            { header: "Money out", align: "right", cell: (r) => <Money minor={r.outflowMinor} currency={currency} /> },
            { header: "Count", align: "right", className: "tabular-nums", cell: (r) => r.transactions },
          ]}
        />
      ))}
    </section>
  );
}

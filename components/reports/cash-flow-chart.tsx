"use client";

import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";

export type ChartMonth = { month: string; in: number; out: number };

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 8, bottom: 28, left: 76 };
const IN_COLOUR = "#15803d";
const OUT_COLOUR = "#b91c1c";

/** A plain <text> label: visx's default wraps labels in an <svg style="overflow:visible">, an inline style the CSP refuses. */
function Label({ x, y, dx, dy, textAnchor, formattedValue }: { x?: number; y?: number; dx?: unknown; dy?: unknown; textAnchor?: unknown; formattedValue?: string }) {
  return (
    <text x={x} y={y} dx={Number(dx ?? 0)} dy={Number(dy ?? 0)} textAnchor={textAnchor === "end" ? "end" : "middle"} fontSize={12} fill="#475569">
      {formattedValue}
    </text>
  );
}

/**
 * Money in vs money out per month for ONE currency, drawn with visx: plain SVG computed from the
 * data, with no measuring, so the whole chart is in the server HTML (recharts 3 draws only after
 * hydration) and nothing needs an inline style (the CSP refuses those). Decorative for screen
 * readers: the table next to it carries the exact figures. Bar heights are minor units as plain
 * numbers: geometry only, never shown as money.
 */
export function CashFlowChart({ data, currency, exponent }: { data: ChartMonth[]; currency: string; exponent: number }) {
  const tick = new Intl.NumberFormat("en-US", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 });
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const months = scaleBand<string>({ domain: data.map((d) => d.month), range: [0, innerWidth], padding: 0.2 });
  const series = scaleBand<"in" | "out">({ domain: ["in", "out"], range: [0, months.bandwidth()], padding: 0.05 });
  const top = Math.max(1, ...data.flatMap((d) => [d.in, d.out]));
  const amount = scaleLinear<number>({ domain: [0, top], range: [innerHeight, 0], nice: true });
  return (
    <div aria-hidden="true" className="overflow-x-auto" data-testid="cash-flow-chart">
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {amount.ticks(5).map((t) => (
            <line key={t} x1={0} x2={innerWidth} y1={amount(t)} y2={amount(t)} stroke="#e2e8f0" />
          ))}
          {data.map((d) => {
            const x = months(d.month) ?? 0;
            return (
              <Group key={d.month} left={x}>
                {(["in", "out"] as const).map((k) => {
                  const y = amount(d[k]);
                  return <Bar key={k} x={series(k)} y={y} width={series.bandwidth()} height={innerHeight - y} fill={k === "in" ? IN_COLOUR : OUT_COLOUR} />;
                })}
              </Group>
            );
          })}
          <AxisLeft scale={amount} numTicks={5} tickFormat={(v) => tick.format(Number(v) / 10 ** exponent)} stroke="#94a3b8" tickStroke="#94a3b8" tickComponent={Label} tickLabelProps={{ textAnchor: "end", dx: -4, dy: 4 }} />
          <AxisBottom top={innerHeight} scale={months} stroke="#94a3b8" tickStroke="#94a3b8" tickComponent={Label} tickLabelProps={{ textAnchor: "middle", dy: 4 }} />
        </Group>
      </svg>
    </div>
  );
}

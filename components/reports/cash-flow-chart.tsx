import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { formatMoney } from "@/lib/reports";

export type ChartMonth = { month: string; in: number; out: number; inMinor: string; outMinor: string; netMinor: string };

const HEIGHT = 280;
export const IN_COLOUR = "#15803d";
export const OUT_COLOUR = "#b91c1c";
export const NET_COLOUR = "#1e3a8a";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-03" -> "Mar 26": short enough for 24 months on one axis. */
export const monthLabel = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(2, 4)}`;

/** A plain <text> label: visx's default wraps labels in an <svg style="overflow:visible">, an inline style the CSP refuses. */
function Label({ x, y, dx, dy, textAnchor, formattedValue }: { x?: number; y?: number; dx?: unknown; dy?: unknown; textAnchor?: unknown; formattedValue?: string }) {
  return (
    <text x={x} y={y} dx={Number(dx ?? 0)} dy={Number(dy ?? 0)} textAnchor={textAnchor === "end" ? "end" : "middle"} fontSize={12} fill="#334155">
      {formattedValue}
    </text>
  );
}

/**
 * Money in and out per month as bars, net as a line, for ONE currency. Rendered on the server as
 * plain SVG (no client JavaScript: visx only computes scales and axes), nothing needs an inline
 * style (the CSP refuses those). Each month carries a <title>, the browser's own tooltip, with its
 * exact figures. Hidden from screen readers: the summary and the table beside it say the same.
 * Bar heights are minor units as plain numbers: geometry only, never shown as money.
 */
export function CashFlowChart({ data, currency, exponent, width = 720, variant = "wide" }: { data: ChartMonth[]; currency: string; exponent: number; width?: number; variant?: "wide" | "narrow" }) {
  const tick = new Intl.NumberFormat("en-US", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 });
  const WIDTH = width;
  const MARGIN = { top: 12, right: 8, bottom: 28, left: width < 500 ? 60 : 76 };
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const months = scaleBand<string>({ domain: data.map((d) => d.month), range: [0, innerWidth], padding: 0.2 });
  const series = scaleBand<"in" | "out">({ domain: ["in", "out"], range: [0, months.bandwidth()], padding: 0.05 });
  const nets = data.map((d) => d.in - d.out);
  const top = Math.max(1, ...data.flatMap((d) => [d.in, d.out]), ...nets);
  const bottom = Math.min(0, ...nets);
  const amount = scaleLinear<number>({ domain: [bottom, top], range: [innerHeight, 0], nice: true });
  const zero = amount(0);
  const centre = (m: string) => (months(m) ?? 0) + months.bandwidth() / 2;
  // Month labels stay at 12 px: a narrow chart labels fewer months (every month has its tooltip).
  const every = Math.ceil(data.length / (width < 500 ? 4 : 12));
  const netPoints = data.map((d, i) => `${centre(d.month)},${amount(nets[i]!)}`).join(" ");
  return (
    <div aria-hidden="true" data-testid="cash-flow-chart" data-variant={variant}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto max-w-full">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {amount.ticks(5).map((t) => (
            <line key={t} x1={0} x2={innerWidth} y1={amount(t)} y2={amount(t)} stroke={t === 0 ? "#64748b" : "#e2e8f0"} />
          ))}
          {data.map((d) => {
            const x = months(d.month) ?? 0;
            return (
              <g key={d.month} data-testid="cash-flow-month">
                <title>{`${monthLabel(d.month)}: in ${formatMoney(d.inMinor, currency)}, out ${formatMoney(d.outMinor, currency)}, net ${formatMoney(d.netMinor, currency)}`}</title>
                {/* The whole column answers the pointer, so a month with small bars still shows its tooltip. */}
                <rect x={x} y={0} width={months.bandwidth()} height={innerHeight} fill="transparent" />
                {(["in", "out"] as const).map((k) => {
                  const y = amount(d[k]);
                  return <Bar key={k} x={x + (series(k) ?? 0)} y={y} width={series.bandwidth()} height={Math.max(0, zero - y)} fill={k === "in" ? IN_COLOUR : OUT_COLOUR} />;
                })}
              </g>
            );
          })}
          {data.length > 1 ? <polyline points={netPoints} fill="none" stroke={NET_COLOUR} strokeWidth={2} pointerEvents="none" /> : null}
          {data.map((d, i) => (
            <circle key={d.month} cx={centre(d.month)} cy={amount(nets[i]!)} r={3} fill={NET_COLOUR} pointerEvents="none" />
          ))}
          <AxisLeft scale={amount} numTicks={5} tickFormat={(v) => tick.format(Number(v) / 10 ** exponent)} stroke="#94a3b8" tickStroke="#94a3b8" tickComponent={Label} tickLabelProps={{ textAnchor: "end", dx: -4, dy: 4 }} />
          <AxisBottom
            top={innerHeight}
            scale={months}
            tickValues={data.filter((_, i) => i % every === 0).map((d) => d.month)}
            tickFormat={(m) => monthLabel(String(m))}
            stroke="#94a3b8"
            tickStroke="#94a3b8"
            tickComponent={Label}
            tickLabelProps={{ textAnchor: "middle", dy: 4 }}
          />
        </Group>
      </svg>
    </div>
  );
}

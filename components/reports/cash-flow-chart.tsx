import { scaleBand, scaleLinear } from "@visx/scale";
import { formatMoney } from "@/lib/reports";

export type ChartMonth = { month: string; in: number; out: number; inMinor: string; outMinor: string; netMinor: string };

const HEIGHT = 280;
const TOP = 12;
const BOTTOM = 28;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
export const IN_COLOUR = "#15803d";
export const OUT_COLOUR = "#b91c1c";
export const NET_COLOUR = "#1e3a8a";
const AXIS_COLOUR = "#94a3b8";
const LABEL_COLOUR = "#334155";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Month labels on the axis: at most this many below the md breakpoint, and above it. */
const NARROW_LABELS = 4;
const WIDE_LABELS = 12;

/** "2026-03" -> "Mar 26": short enough for 24 months on one axis. */
export const monthLabel = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(2, 4)}`;

/** Which month labels show at which width: CSS classes, so one drawing serves a phone and a desktop. */
function labelClass(i: number, count: number): string | null {
  const wide = i % Math.ceil(count / WIDE_LABELS) === 0;
  const narrow = i % Math.ceil(count / NARROW_LABELS) === 0;
  if (wide && narrow) return "";
  if (wide) return "max-md:hidden";
  if (narrow) return "hidden max-md:inline";
  return null;
}

/**
 * Money in and out per month as bars, net as a line, for ONE currency. Drawn ONCE, on the server, as
 * plain SVG (no client JavaScript: visx only computes the scales) that fills its container's width:
 * - horizontal positions are percentages (SVG accepts them on x, cx, x1, x2), vertical ones pixels at
 *   a fixed height, so text keeps its 12 px at any width instead of shrinking with a viewBox;
 * - the bars and the net line sit in a nested <svg preserveAspectRatio="none"> (x 0-100), stretched to
 *   the width; the line keeps its 2 px with vector-effect, the dots are drawn outside it, round;
 * - on narrow screens fewer month labels show (CSS classes), the left axis is narrower.
 * Nothing needs an inline style (the CSP refuses those). Each month carries a <title>, the browser's
 * own tooltip, with its exact figures. Hidden from screen readers: the summary and the table beside
 * it say the same. Bar heights are minor units as plain numbers: geometry only, never shown as money.
 */
export function CashFlowChart({ data, currency, exponent }: { data: ChartMonth[]; currency: string; exponent: number }) {
  const tick = new Intl.NumberFormat("en-US", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 });
  const months = scaleBand<string>({ domain: data.map((d) => d.month), range: [0, 100], padding: 0.2 });
  const series = scaleBand<"in" | "out">({ domain: ["in", "out"], range: [0, months.bandwidth()], padding: 0.05 });
  const nets = data.map((d) => d.in - d.out);
  const top = Math.max(1, ...data.flatMap((d) => [d.in, d.out]), ...nets);
  const bottom = Math.min(0, ...nets);
  const amount = scaleLinear<number>({ domain: [bottom, top], range: [PLOT_HEIGHT, 0], nice: true });
  const zero = amount(0);
  const centre = (m: string) => (months(m) ?? 0) + months.bandwidth() / 2;
  const ticks = amount.ticks(5);
  const netPoints = data.map((d, i) => `${centre(d.month)},${amount(nets[i]!)}`).join(" ");
  return (
    <div aria-hidden="true" data-testid="cash-flow-chart" className="flex pr-2">
      {/* The amount axis: its own fixed-width drawing, labels right-aligned against the plot. */}
      <svg height={HEIGHT} className="w-15 shrink-0 md:w-19" overflow="visible">
        {ticks.map((t) => (
          <text key={t} x="100%" dx={-6} y={TOP + amount(t)} dy={4} textAnchor="end" fontSize={12} fill={LABEL_COLOUR}>
            {tick.format(t / 10 ** exponent)}
          </text>
        ))}
      </svg>
      <svg width="100%" height={HEIGHT} className="min-w-0 flex-1" overflow="visible">
        {ticks.map((t) => (
          <line key={t} x1={0} x2="100%" y1={TOP + amount(t)} y2={TOP + amount(t)} stroke={t === 0 ? "#64748b" : "#e2e8f0"} />
        ))}
        <line x1={0} x2={0} y1={TOP} y2={TOP + PLOT_HEIGHT} stroke={AXIS_COLOUR} />
        <svg y={TOP} width="100%" height={PLOT_HEIGHT} viewBox={`0 0 100 ${PLOT_HEIGHT}`} preserveAspectRatio="none" overflow="visible">
          {data.map((d) => {
            const x = months(d.month) ?? 0;
            return (
              <g key={d.month} data-testid="cash-flow-month">
                <title>{`${monthLabel(d.month)}: in ${formatMoney(d.inMinor, currency)}, out ${formatMoney(d.outMinor, currency)}, net ${formatMoney(d.netMinor, currency)}`}</title>
                {/* The whole column answers the pointer, so a month with small bars still shows its tooltip. */}
                <rect x={x} y={0} width={months.bandwidth()} height={PLOT_HEIGHT} fill="transparent" />
                {(["in", "out"] as const).map((k) => {
                  const y = amount(d[k]);
                  return <rect key={k} data-series={k} x={x + (series(k) ?? 0)} y={y} width={series.bandwidth()} height={Math.max(0, zero - y)} fill={k === "in" ? IN_COLOUR : OUT_COLOUR} />;
                })}
              </g>
            );
          })}
          {data.length > 1 ? <polyline points={netPoints} fill="none" stroke={NET_COLOUR} strokeWidth={2} vectorEffect="non-scaling-stroke" pointerEvents="none" /> : null}
        </svg>
        {data.map((d, i) => (
          <circle key={d.month} cx={`${centre(d.month)}%`} cy={TOP + amount(nets[i]!)} r={3} fill={NET_COLOUR} pointerEvents="none" />
        ))}
        <line x1={0} x2="100%" y1={TOP + PLOT_HEIGHT} y2={TOP + PLOT_HEIGHT} stroke={AXIS_COLOUR} />
        {data.map((d, i) => {
          const className = labelClass(i, data.length);
          if (className === null) return null;
          const x = `${centre(d.month)}%`;
          return (
            <g key={d.month} className={className || undefined}>
              <line x1={x} x2={x} y1={TOP + PLOT_HEIGHT} y2={TOP + PLOT_HEIGHT + 6} stroke={AXIS_COLOUR} />
              <text x={x} y={TOP + PLOT_HEIGHT + 20} textAnchor="middle" fontSize={12} fill={LABEL_COLOUR}>
                {monthLabel(d.month)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

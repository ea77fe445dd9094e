import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear, scaleUtc } from "@visx/scale";
import type { PosturePoint } from "@/lib/posture";

const WIDTH = 640;
const HEIGHT = 200;
const MARGIN = { top: 10, right: 12, bottom: 28, left: 40 };
const LINE = "#1e3a8a";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-12-07" -> "7 Dec". */
const dayLabel = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]}`;
const utc = (day: string) => new Date(`${day}T00:00:00Z`);

/** A plain <text> tick label: visx's default wraps labels in an inline-styled <svg>, which the CSP refuses (as in components/reports). */
function Tick({ x, y, dx, dy, textAnchor, formattedValue }: { x?: number; y?: number; dx?: unknown; dy?: unknown; textAnchor?: unknown; formattedValue?: string }) {
  return (
    <text x={x} y={y} dx={Number(dx ?? 0)} dy={Number(dy ?? 0)} textAnchor={textAnchor === "end" ? "end" : "middle"} fontSize={12} fill="#334155">
      {formattedValue}
    </text>
  );
}

/**
 * The daily score as a small line, rendered on the server as plain SVG like the reports' charts
 * (visx computes scales and axes only; each point's <title> is the browser's tooltip). Hidden from
 * screen readers: the table below it holds the same figures.
 */
export function ScoreHistory({ points }: { points: PosturePoint[] }) {
  if (points.length === 0) return <p className="text-sm text-slate-600">No history yet.</p>;
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const first = utc(points[0]!.day);
  const last = utc(points.at(-1)!.day);
  // One point still gets a day either side, so it sits in the middle rather than on an axis.
  const domain = first.getTime() === last.getTime() ? [new Date(first.getTime() - 86_400_000), new Date(last.getTime() + 86_400_000)] : [first, last];
  const x = scaleUtc<number>({ domain, range: [0, innerWidth] });
  const y = scaleLinear<number>({ domain: [0, 100], range: [innerHeight, 0] });
  const line = points.map((p) => `${x(utc(p.day))},${y(p.score)}`).join(" ");
  return (
    <div>
      <div aria-hidden="true" data-testid="posture-history-chart">
        <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto max-w-full">
          <Group left={MARGIN.left} top={MARGIN.top}>
            {[0, 50, 100].map((t) => (
              <line key={t} x1={0} x2={innerWidth} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
            ))}
            {points.length > 1 ? <polyline points={line} fill="none" stroke={LINE} strokeWidth={2} /> : null}
            {points.map((p) => (
              <circle key={p.day} cx={x(utc(p.day))} cy={y(p.score)} r={4} fill={LINE}>
                <title>{`${dayLabel(p.day)}: ${p.score} of 100`}</title>
              </circle>
            ))}
            <AxisLeft scale={y} tickValues={[0, 50, 100]} stroke="#94a3b8" tickStroke="#94a3b8" tickComponent={Tick} tickLabelProps={{ textAnchor: "end", dx: -4, dy: 4 }} />
            <AxisBottom
              top={innerHeight}
              scale={x}
              numTicks={Math.min(6, points.length)}
              tickFormat={(d) => dayLabel((d as Date).toISOString().slice(0, 10))}
              stroke="#94a3b8"
              tickStroke="#94a3b8"
              tickComponent={Tick}
              tickLabelProps={{ textAnchor: "middle", dy: 4 }}
            />
          </Group>
        </svg>
      </div>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-blue-700 underline">Scores by day</summary>
        <table className="mt-1 border-collapse" data-testid="posture-history-table">
          <caption className="sr-only">Security posture score by day (UTC)</caption>
          <thead>
            <tr className="border-b text-left">
              <th scope="col" className="p-1">Day</th>
              <th scope="col" className="p-1 text-right">Score</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.day} className="border-b">
                <th scope="row" className="p-1 text-left font-normal">
                  <time dateTime={p.day}>{dayLabel(p.day)}</time>
                </th>
                <td className="p-1 text-right">{p.score}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

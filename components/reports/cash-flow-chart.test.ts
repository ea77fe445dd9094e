import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CashFlowChart, type ChartMonth } from "./cash-flow-chart";

/** The chart as the server sends it: one drawing for every width, tooltips on every month. */

const month = (ym: string, inMinor: number, outMinor: number): ChartMonth => ({
  month: ym,
  in: inMinor,
  out: outMinor,
  inMinor: String(inMinor),
  outMinor: String(outMinor),
  netMinor: String(inMinor - outMinor),
});

const twoYears = Array.from({ length: 24 }, (_, i) => {
  const y = 2025 + Math.floor(i / 12);
  return month(`${y}-${String((i % 12) + 1).padStart(2, "0")}`, 100_00 * (i + 1), i === 5 ? 0 : 80_00 * (i + 1));
});

const render = (data: ChartMonth[]) => renderToString(createElement(CashFlowChart, { data, currency: "USD", exponent: 2 }));

describe("cash-flow chart", () => {
  it("is drawn once, filling its container's width, with no inline style for the CSP to refuse", () => {
    const html = render(twoYears);
    expect(html.match(/data-testid="cash-flow-chart"/g)).toHaveLength(1);
    expect(html).not.toContain("data-variant");
    expect(html).not.toContain("style=");
    // No fixed pixel width on the plot: it stretches; the bars scale on x only, the net line keeps 2 px.
    expect(html).toMatch(/<svg width="100%" height="280"/);
    expect(html).toContain('preserveAspectRatio="none"');
    expect(html).toContain('vector-effect="non-scaling-stroke"');
  });

  it("gives every month its tooltip with the exact figures, quiet months included", () => {
    const html = render(twoYears);
    expect(html.match(/data-testid="cash-flow-month"/g)).toHaveLength(24);
    expect(html).toContain("<title>Jun 25: in $600.00, out $0.00, net $600.00</title>");
    expect(html.match(/<rect data-series="in"[^>]*fill="#15803d"/g)).toHaveLength(24);
  });

  it("labels every second month on a wide screen and every sixth on a phone (24 months), by CSS only", () => {
    const html = render(twoYears);
    // Each axis label is a <g> (its optional class, a tick, the text); the y-axis labels sit outside any <g>.
    const labels = html
      .split("<g")
      .slice(1)
      .filter((g) => g.includes("<text"))
      .map((g) => ({ cls: /^ class="([^"]*)"/.exec(g)?.[1] ?? "", text: /<text[^>]*>([^<]+)<\/text>/.exec(g)?.[1] }));
    expect(labels).toHaveLength(12);
    // Shown at both widths: months 0, 6, 12, 18; the rest of the even months only from md up.
    expect(labels.filter((l) => l.cls === "").map((l) => l.text)).toEqual(["Jan 25", "Jul 25", "Jan 26", "Jul 26"]);
    expect(labels.filter((l) => l.cls === "max-md:hidden")).toHaveLength(8);
  });

  it("draws a single month without a net line and a three-month period with every label at every width", () => {
    expect(render([month("2026-01", 5_00, 2_00)])).not.toContain("<polyline");
    const three = render([month("2026-01", 5_00, 2_00), month("2026-02", 0, 0), month("2026-03", 1_00, 9_00)]);
    expect(three).toContain("<polyline");
    expect(three).not.toContain("max-md:hidden");
    expect(three).toContain("Mar 26");
  });
});

import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type { AxeResults, Result } from "axe-core";

/**
 * The shared accessibility check: axe-core in the real browser, WCAG 2.0/2.1 A and AA plus axe's
 * best practices. Serious and critical violations fail the test; moderate and minor ones are
 * attached to the report so they stay visible without blocking.
 */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

const BLOCKING: ReadonlySet<string> = new Set(["serious", "critical"]);

/** One violation per line group, so a person can find and fix it: rule, impact, help, link, each target. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    - ${n.target.join(" ")}\n      ${(n.failureSummary ?? "").replace(/\n\s*/g, " | ")}`).join("\n");
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join("\n");
}

/** Runs axe on the page as it is now (after the caller waited for what it needs) and returns the results. */
export async function runAxe(page: Page): Promise<AxeResults> {
  // Only violations are reported: axe skips collecting every passing node, which is most of its time.
  return new AxeBuilder({ page }).withTags(AXE_TAGS).options({ resultTypes: ["violations"] }).analyze();
}

/**
 * Expects no serious or critical violation on the page. Soft by default, so a walk through many
 * pages reports every page's problems in one run instead of stopping at the first.
 */
export async function expectAccessible(page: Page, opts: { name?: string; soft?: boolean } = {}): Promise<void> {
  await page.waitForLoadState("load");
  // After a client-side navigation (a form's redirect) Next sets the new <title> a moment after the
  // URL changes; give it that moment. A page that really has none still fails on document-title.
  await page.waitForFunction(() => document.title.trim() !== "", undefined, { timeout: 5_000 }).catch(() => undefined);
  const name = opts.name ?? new URL(page.url()).pathname;
  const results = await runAxe(page);
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ""));
  const other = results.violations.filter((v) => !BLOCKING.has(v.impact ?? ""));
  if (other.length) {
    await test.info().attach(`axe-minor-${name.replace(/[^\w-]+/g, "_")}.txt`, { body: describeViolations(other), contentType: "text/plain" });
  }
  const message = `serious/critical accessibility violations on ${name} (${page.url()}):\n${describeViolations(blocking)}`;
  if (blocking.length) console.log(message);
  const check = opts.soft === false ? expect : expect.soft;
  check(blocking.map((v) => `${v.id} ×${v.nodes.length}`), message).toEqual([]);
}

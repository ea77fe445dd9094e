// Adds up every runner's JSON in a folder and prints the totals line CI reads:
// "N passed, N failed, N skipped". Exits non-zero when anything failed or nothing ran.
// Counts tests, each once: a Vitest file whose tests failed is not counted again as a failed
// file; a file that failed with no failed test of its own (it did not load, a beforeAll threw)
// counts as one failure; a run Vitest calls unsuccessful for any other reason (an unhandled
// error) counts as one failure too.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** { passed, failed, skipped } of one runner's JSON: Vitest, Playwright, or our static checks' {passed, failed}. */
export function countRunner(r) {
  if ("numPassedTests" in r) return countVitest(r);
  if (r.stats && "expected" in r.stats) {
    // Playwright: flaky tests passed on retry; top-level errors (global setup, config) failed the run.
    return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected + (r.errors?.length ?? 0), skipped: r.stats.skipped };
  }
  return { passed: r.passed ?? 0, failed: r.failed ?? 0, skipped: 0 };
}

function countVitest(r) {
  const files = r.testResults ?? [];
  // numFailedTestSuites counts files too, including those whose failed tests numFailedTests already holds.
  const failedFilesWithoutFailedTests = files.filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed")).length;
  let failed = r.numFailedTests + failedFilesWithoutFailedTests;
  if (r.success === false && failed === 0) failed = 1;
  return { passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests };
}

export function sumResults(dir) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const lines = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const c = countRunner(JSON.parse(readFileSync(path.join(dir, file), "utf8")));
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
    lines.push(`  ${file.replace(/\.json$/, "").padEnd(18)} ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}`);
  }
  return { totals, lines };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { totals, lines } = sumResults(process.argv[2]);
  console.log("\nTotals by runner:\n" + lines.join("\n"));
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
}

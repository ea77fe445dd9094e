// Adds up every runner's JSON in a folder and prints the totals line CI reads:
// "N passed, N failed, N skipped". Exits non-zero when anything failed or nothing ran.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
const lines = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const r = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  let p, f, s;
  if ("numPassedTests" in r) { // Vitest
    p = r.numPassedTests; f = r.numFailedTests + (r.numFailedTestSuites ?? 0); s = r.numPendingTests + r.numTodoTests;
  } else if (r.stats && "expected" in r.stats) { // Playwright
    p = r.stats.expected + r.stats.flaky; f = r.stats.unexpected + (r.errors?.length ?? 0); s = r.stats.skipped;
  } else { p = r.passed; f = r.failed; s = 0; }
  passed += p; failed += f; skipped += s;
  lines.push(`  ${file.replace(/\.json$/, "").padEnd(18)} ${p} passed, ${f} failed${s ? `, ${s} skipped` : ""}`);
}
console.log("\nTotals by runner:\n" + lines.join("\n"));
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

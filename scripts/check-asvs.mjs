// `node scripts/check-asvs.mjs`: is every ASVS 5.0 Level 1-2 requirement accounted for in
// docs/security/asvs.md, and does every test name only real ASVS 5.0 ids? Exits 1 on a problem.
// `--update` first rewrites the Tests column of the `tested` rows from the test names, then
// README's coverage line from the table's counts.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { checkAsvs, checkRepository, formatReport, parseTable, updateReadmeCounts, updateTestsColumn } from "./asvs/check.mjs";

const root = path.resolve(import.meta.dirname, "..");
if (process.argv.includes("--update")) {
  const table = path.join(root, "docs/security/asvs.md");
  const { tests, requirements } = checkRepository(root);
  const updated = updateTestsColumn(readFileSync(table, "utf8"), tests);
  writeFileSync(table, updated);
  const { counts } = checkAsvs({ requirements, table: parseTable(updated), tests });
  const readme = path.join(root, "README.md");
  writeFileSync(readme, updateReadmeCounts(readFileSync(readme, "utf8"), counts));
}
const result = checkRepository(root);
console.log(formatReport(result));
process.exit(result.errors.length ? 1 : 0);

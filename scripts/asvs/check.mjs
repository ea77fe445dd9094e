// The ASVS accounting check: every ASVS 5.0 Level 1-2 requirement (outside V17) has a row in
// docs/security/asvs.md, every `tested` row is named by a test, and no test names an id that
// ASVS 5.0 does not have. Pure functions here; scripts/check-asvs.mjs runs them on the repository.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseCsvText } from "csv-parse/sync";
import ts from "typescript";

/**
 * tested: a test names the id and proves it. control: enforced at the place the row names, where a
 * test would only restate it. n/a: does not apply, and the row says why. gap: not met yet, and the
 * row says what is missing (reported, not a failure: the table must be able to tell the truth).
 */
export const STATUSES = ["tested", "control", "n/a", "gap"];
const ID = /\bV\d+\.\d+\.\d+\b/g;
const TEST_CALLEES = new Set(["it", "test", "describe"]);
// Never the project's own tests: dependencies, build output (dot folders) and this checker's fixtures.
const SKIP_DIRS = new Set(["node_modules", "scripts/asvs/fixtures"]);

/** The requirements in scope: level 1 or 2, outside V17 (WebRTC), in CSV order. */
export function readRequirements(csvText) {
  const rows = parseCsvText(csvText, { columns: true, skip_empty_lines: true });
  const all = new Map(rows.map((r) => [r.req_id, { id: r.req_id, level: Number(r.L), text: r.req_description }]));
  const inScope = [...all.values()].filter((r) => r.level <= 2 && !r.id.startsWith("V17."));
  return { all, inScope };
}

/** Cells of one markdown table line, or null when the line is not a table row. */
function cells(line) {
  const t = line.trim();
  if (!t.startsWith("|") || !t.endsWith("|")) return null;
  // A `\|` inside a cell is text, not a separator.
  return t.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

const isRule = (cs) => cs.every((c) => /^:?-{3,}:?$/.test(c));

/** Walks the lines of every table whose header has Id and Status columns: onRow(cells, header, index). */
function eachRow(markdown, onRow) {
  let header = null;
  markdown.split("\n").forEach((line, i) => {
    const cs = cells(line);
    if (!cs) { header = null; return; }
    if (isRule(cs)) return;
    if (header === null) {
      const lower = cs.map((c) => c.toLowerCase());
      header = lower.includes("id") && lower.includes("status") ? lower : undefined;
      return;
    }
    if (header !== undefined) onRow(cs, header, i);
  });
}

/**
 * The rows of the table: id, status, tests (the file paths in backticks in the Tests column),
 * where (the Where and why text), line (1-based). Problems are strings for the report.
 */
export function parseTable(markdown) {
  const rows = [];
  const problems = [];
  eachRow(markdown, (cs, header, i) => {
    const get = (name) => cs[header.indexOf(name)] ?? "";
    const row = {
      id: get("id").replace(/`/g, ""),
      status: get("status").replace(/`/g, ""),
      tests: [...get("tests").matchAll(/`([^`]+)`/g)].map((m) => m[1]),
      where: get("where and why"),
      line: i + 1,
    };
    if (!/^V\d+\.\d+\.\d+$/.test(row.id)) problems.push(`line ${row.line}: "${row.id}" is not a requirement id`);
    else if (!STATUSES.includes(row.status)) problems.push(`line ${row.line}: ${row.id} has status "${row.status}" (want ${STATUSES.join(", ")})`);
    rows.push(row);
  });
  return { rows, problems };
}

/** The table with the Tests column of every `tested` row set to the files whose tests name its id. */
export function updateTestsColumn(markdown, tests) {
  const lines = markdown.split("\n");
  eachRow(markdown, (cs, header, i) => {
    const id = cs[header.indexOf("id")].replace(/`/g, "");
    const status = cs[header.indexOf("status")].replace(/`/g, "");
    const col = header.indexOf("tests");
    if (status !== "tested" || col < 0 || !tests.has(id)) return;
    cs[col] = [...new Set(tests.get(id).map((t) => t.file))].sort().map((f) => `\`${f}\``).join(", ");
    lines[i] = `| ${cs.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  });
  return lines.join("\n");
}

/** The string value of a test name argument, or null when it is not built from literals. */
function literalText(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => " " + s.literal.text).join("");
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = literalText(node.left);
    const r = literalText(node.right);
    return l === null && r === null ? null : (l ?? "") + (r ?? "");
  }
  return null;
}

/** The root identifier of a callee such as `it`, `test.describe`, `it.each([...])`, `test.describe.serial`. */
function calleeRoot(expr) {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return calleeRoot(expr.expression);
  if (ts.isCallExpression(expr)) return calleeRoot(expr.expression); // it.each(table)(name, fn)
  return null;
}

/** Names given to it()/test()/describe() calls (and their .each/.skip/.describe variants) in one file. */
export function testNames(source, fileName = "file.ts") {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const root = calleeRoot(node.expression);
      // `test.describe.configure({...})` and `it.each([...])` (the table) carry no name.
      const inner = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : null;
      if (root && TEST_CALLEES.has(root) && inner !== "each" && inner !== "configure" && inner !== "use") {
        const name = literalText(node.arguments[0]);
        if (name !== null) names.push({ name, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

/** Vitest `*.test.ts` anywhere and Playwright `e2e/**\/*.spec.ts`, relative to root, sorted. */
export function findTestFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name.startsWith(".") || SKIP_DIRS.has(e.name) || SKIP_DIRS.has(r)) continue;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith(".test.ts") || (r.startsWith("e2e/") && e.name.endsWith(".spec.ts"))) out.push(r);
    }
  };
  walk("");
  return out.sort();
}

/** Every requirement id named by a test: id -> [{ file, line, name }]. */
export function idsInTests(files) {
  const byId = new Map();
  for (const { file, source } of files) {
    for (const t of testNames(source, file)) {
      for (const id of new Set(t.name.match(ID) ?? [])) {
        if (!byId.has(id)) byId.set(id, []);
        byId.get(id).push({ file, line: t.line, name: t.name });
      }
    }
  }
  return byId;
}

/**
 * Compare the table with the CSV and the tests. errors fail the check; notes are for whoever
 * keeps the table (rows that now have tests, test files a tested row does not list yet).
 */
export function checkAsvs({ requirements, table, tests }) {
  const errors = [...table.problems];
  const notes = [];
  const rowsById = new Map();
  for (const row of table.rows) {
    if (rowsById.has(row.id)) errors.push(`line ${row.line}: ${row.id} has a second row (first at line ${rowsById.get(row.id).line})`);
    else rowsById.set(row.id, row);
  }
  const inScope = new Set(requirements.inScope.map((r) => r.id));
  for (const r of requirements.inScope) if (!rowsById.has(r.id)) errors.push(`${r.id} (L${r.level}) has no row`);
  for (const row of rowsById.values()) {
    if (!/^V\d+\.\d+\.\d+$/.test(row.id)) continue;
    if (!requirements.all.has(row.id)) errors.push(`line ${row.line}: ${row.id} is not an ASVS 5.0 requirement`);
    else if (!inScope.has(row.id)) errors.push(`line ${row.line}: ${row.id} is outside Level 1-2 (or in V17)`);
    const named = tests.get(row.id) ?? [];
    const files = [...new Set(named.map((t) => t.file))];
    if (row.status === "tested") {
      if (named.length === 0) errors.push(`${row.id} is marked tested but no test names it`);
      else {
        if (row.tests.length === 0) errors.push(`${row.id} is marked tested but lists no test file`);
        for (const f of row.tests) if (!files.includes(f)) errors.push(`${row.id} lists ${f}, which names no test ${row.id}`);
        const unlisted = files.filter((f) => !row.tests.includes(f));
        if (unlisted.length) notes.push(`${row.id} is also named in ${unlisted.join(", ")}`);
      }
    } else if (STATUSES.includes(row.status)) {
      if (!row.where) errors.push(`${row.id} is ${row.status} without saying where or why`);
      if (row.tests.length) errors.push(`${row.id} is ${row.status} but lists tests; mark it tested`);
      if (named.length && row.status === "gap") notes.push(`${row.id} is gap; tests in ${files.join(", ")} name it: do they close it?`);
      else if (named.length) notes.push(`${row.id} is ${row.status} but now has tests in ${files.join(", ")}: consider tested`);
    }
  }
  for (const [id, named] of tests) {
    if (requirements.all.has(id)) continue;
    for (const t of named) errors.push(`${t.file}:${t.line} names ${id}, which is not in ASVS 5.0: "${t.name.slice(0, 80)}"`);
  }
  const gaps = [...rowsById.values()].filter((r) => r.status === "gap").map((r) => r.id);
  if (gaps.length) notes.unshift(`open gaps: ${gaps.join(", ")}`);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, [...rowsById.values()].filter((r) => r.status === s && inScope.has(r.id)).length]));
  return { errors, notes, counts };
}

/** A short report for the terminal. */
export function formatReport({ errors, notes, counts }) {
  const lines = [`ASVS 5.0 Level 1-2: ${counts.tested} tested, ${counts.control} control, ${counts["n/a"]} n/a, ${counts.gap} gap`];
  if (errors.length) lines.push(`${errors.length} problem(s):`, ...errors.map((e) => `  - ${e}`));
  if (notes.length) lines.push(`${notes.length} note(s) for the table:`, ...notes.map((n) => `  - ${n}`));
  if (!errors.length) lines.push("OK: every requirement is accounted for.");
  return lines.join("\n");
}

const COVERAGE = /(\*\*ASVS 5\.0 coverage\*\*[^:]*: )(\d+) tested, (\d+) control, (\d+) n\/a, (\d+) gap/;

/** The counts on README's coverage line, or null when it has none. */
export function readmeCounts(markdown) {
  const m = COVERAGE.exec(markdown);
  return m ? { tested: Number(m[2]), control: Number(m[3]), "n/a": Number(m[4]), gap: Number(m[5]) } : null;
}

/** README with its coverage line set to these counts. */
export function updateReadmeCounts(markdown, counts) {
  return markdown.replace(COVERAGE, (_all, lead) => `${lead}${counts.tested} tested, ${counts.control} control, ${counts["n/a"]} n/a, ${counts.gap} gap`);
}

/** A problem when README's coverage line is missing or disagrees with the table, else null. */
export function readmeProblem(markdown, counts) {
  const said = readmeCounts(markdown);
  if (!said) return "README.md has no line starting **ASVS 5.0 coverage** with the counts";
  const same = STATUSES.every((s) => said[s] === counts[s]);
  return same ? null : `README.md says ${STATUSES.map((s) => `${said[s]} ${s}`).join(", ")}; the table has ${STATUSES.map((s) => `${counts[s]} ${s}`).join(", ")}`;
}

/** Read everything from a repository root and check it. */
export function checkRepository(root, { csv = "docs/security/owasp-asvs-5.0.csv", table = "docs/security/asvs.md", readme = "README.md" } = {}) {
  const requirements = readRequirements(readFileSync(path.join(root, csv), "utf8"));
  const parsed = parseTable(readFileSync(path.join(root, table), "utf8"));
  const files = findTestFiles(root).map((file) => ({ file, source: readFileSync(path.join(root, file), "utf8") }));
  const tests = idsInTests(files);
  const result = checkAsvs({ requirements, table: parsed, tests });
  const problem = readmeProblem(readFileSync(path.join(root, readme), "utf8"), result.counts);
  if (problem) result.errors.push(problem);
  return { requirements, table: parsed, tests, ...result };
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkAsvs,
  checkRepository,
  findTestFiles,
  formatReport,
  idsInTests,
  parseTable,
  readmeCounts,
  readmeProblem,
  readRequirements,
  testNames,
  updateReadmeCounts,
  updateTestsColumn,
} from "./check.mjs";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");
const requirements = readRequirements(fixture("asvs.csv"));
// The fixtures' test sources as if they lived at these paths.
const files = [
  { file: "lib/render.test.ts", source: fixture("unit.test.ts.txt") },
  { file: "e2e/cookies.spec.ts", source: fixture("e2e.spec.ts.txt") },
];

describe("the ASVS check: reading its inputs", () => {
  it("takes the Level 1 and 2 requirements outside V17 from the CSV, quoted fields included", () => {
    expect(requirements.inScope.map((r) => r.id)).toEqual(["V1.2.1", "V1.2.4", "V3.3.1", "V5.2.1", "V6.2.2"]);
    expect(requirements.all.has("V6.5.8")).toBe(true); // Level 3: known, not in scope
    expect(requirements.all.get("V1.2.4")?.text).toContain('"ORMs"');
  });

  it("reads the names of it, test and describe calls, including .each, .skip and names built from literals", () => {
    expect(testNames(fixture("unit.test.ts.txt")).map((t) => t.name)).toEqual([
      "V1.2.1 rendering",
      "escapes a name",
      "V3.3.1 sets Secure and V5.2.1 caps uploads",
      "V5.2.1 row %i",
      "V1.2.4 in  : binds parameters",
      "V6.2.2 a skipped test still names its id",
    ]);
    // test.describe.configure({...}) is not a test; line numbers point at the call.
    expect(testNames(fixture("e2e.spec.ts.txt"))).toEqual([
      { name: "cookies", line: 3 },
      { name: "V3.3.1 the session cookie is Secure", line: 5 },
      { name: "V3.4.9 an id ASVS 4.0 had but 5.0 does not", line: 8 },
    ]);
  });

  it("collects every id named by a test, never ids in comments or other strings", () => {
    const ids = idsInTests(files);
    expect([...ids.keys()].sort()).toEqual(["V1.2.1", "V1.2.4", "V3.3.1", "V3.4.9", "V5.2.1", "V6.2.2"]);
    expect(ids.get("V3.3.1")?.map((t) => t.file)).toEqual(["lib/render.test.ts", "e2e/cookies.spec.ts"]);
  });

  it("reads only the tables with Id and Status columns, with escaped pipes inside cells", () => {
    const { rows, problems } = parseTable(fixture("table.md"));
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ["V1.2.1", "tested"],
      ["V1.2.4", "control"],
      ["V3.3.1", "tested"],
      ["V6.2.2", "gap"],
    ]);
    expect(rows[0]!.tests).toEqual(["lib/render.test.ts"]);
    expect(rows[1]!.where).toContain("parameters | no string SQL");
  });

  it("finds Vitest *.test.ts anywhere and Playwright specs under e2e/, skipping dependencies, build output and its own fixtures", () => {
    const root = mkdtempSync(path.join(tmpdir(), "asvs-check-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const touch = (rel: string) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), "");
    };
    for (const rel of [
      "lib/a.test.ts",
      "lib/deep/b.test.ts",
      "e2e/c.spec.ts",
      "e2e/pages/d.spec.ts",
      "e2e/fixtures.ts",
      "lib/not-e2e.spec.ts",
      "node_modules/pkg/e.test.ts",
      ".next-e2e/f.test.ts",
      "scripts/asvs/fixtures/g.test.ts",
      "lib/h.test.tsx",
    ]) touch(rel);
    expect(findTestFiles(root)).toEqual(["e2e/c.spec.ts", "e2e/pages/d.spec.ts", "lib/a.test.ts", "lib/deep/b.test.ts"]);
  });
});

describe("the ASVS check: what it reports", () => {
  const check = (markdown: string) => checkAsvs({ requirements, table: parseTable(markdown), tests: idsInTests(files) });

  it("fails on a test naming an id that ASVS 5.0 does not have, naming the file, line and test", () => {
    const { errors } = check(fixture("table.md").replace("| V6.2.2 | 1 | Change password | gap |", "| V5.2.1 | 1 | x | tested | `lib/render.test.ts` | |\n| V6.2.2 | 1 | Change password | gap |"));
    expect(errors).toEqual(['e2e/cookies.spec.ts:8 names V3.4.9, which is not in ASVS 5.0: "V3.4.9 an id ASVS 4.0 had but 5.0 does not"']);
  });

  it("fails when a requirement in scope has no row", () => {
    const { errors } = check(fixture("table.md"));
    expect(errors).toContain("V5.2.1 (L1) has no row");
  });

  it("fails when a tested row has no test naming it, lists no file, or lists a file that does not name it", () => {
    const table = fixture("table.md")
      .replace("| V1.2.4 | 1 | Parameterized queries | control | |", "| V1.2.4 | 1 | Parameterized queries | tested | `e2e/cookies.spec.ts` |")
      .replace("| V3.3.1 | 1 | Secure cookies | tested | `e2e/cookies.spec.ts` |", "| V3.3.1 | 1 | Secure cookies | tested | |")
      .replace("| V6.2.2 | 1 | Change password | gap |", "| V5.2.1 | 1 | x | tested | `lib/render.test.ts` | |\n| V6.5.8 | 3 | x | tested | `lib/render.test.ts` | |\n| V6.2.2 | 1 | Change password | gap |");
    const { errors } = check(table);
    expect(errors).toContain("V1.2.4 lists e2e/cookies.spec.ts, which names no test V1.2.4");
    expect(errors).toContain("V3.3.1 is marked tested but lists no test file");
    expect(errors.some((e) => /V6\.5\.8 is outside Level 1-2/.test(e))).toBe(true);
    expect(errors).toContain("V6.5.8 is marked tested but no test names it");
  });

  it("fails on a second row for one id, an unknown status, an id ASVS does not have, and a control without a reason", () => {
    const table = fixture("table.md").replace(
      "| V6.2.2 | 1 | Change password | gap | | No change-password form yet. |",
      [
        "| V6.2.2 | 1 | Change password | gap | | No change-password form yet. |",
        "| V6.2.2 | 1 | Change password | n/a | | again |",
        "| V5.2.1 | 1 | Upload size | done | | |",
        "| V3.4.9 | 2 | Renumbered | n/a | | was 4.0 |",
        "| V1.2.4 | 1 | again | control | | |",
      ].join("\n"),
    );
    const { errors } = check(table);
    expect(errors.some((e) => /V6\.2\.2 has a second row \(first at line \d+\)/.test(e))).toBe(true);
    expect(errors.some((e) => /V5\.2\.1 has status "done"/.test(e))).toBe(true);
    expect(errors.some((e) => /V3\.4\.9 is not an ASVS 5\.0 requirement/.test(e))).toBe(true);
    const noReason = checkAsvs({ requirements, table: parseTable("| Id | Status | Where and why |\n| --- | --- | --- |\n| V1.2.4 | control | |\n"), tests: new Map() });
    expect(noReason.errors).toContain("V1.2.4 is control without saying where or why");
  });

  it("tells whoever keeps the table which control, n/a and gap rows now have tests, and which test files a tested row does not list", () => {
    const { notes } = check(fixture("table.md"));
    expect(notes).toContain("open gaps: V6.2.2");
    expect(notes).toContain("V1.2.4 is control but now has tests in lib/render.test.ts: consider tested");
    expect(notes).toContain("V6.2.2 is gap; tests in lib/render.test.ts name it: do they close it?");
    expect(notes).toContain("V3.3.1 is also named in lib/render.test.ts");
  });

  it("prints the counts, each problem on its own line, and OK only when nothing is wrong", () => {
    const table = fixture("table.md").replace("| V6.2.2 | 1 | Change password | gap |", "| V5.2.1 | 1 | x | tested | `lib/render.test.ts` | |\n| V6.2.2 | 1 | Change password | gap |");
    const withoutOldId = [files[0]!, { ...files[1]!, source: files[1]!.source.replace(/\n.*V3\.4\.9.*\n/, "\n") }];
    const clean = checkAsvs({ requirements, table: parseTable(table), tests: idsInTests(withoutOldId) });
    expect(formatReport(clean)).toMatch(/^ASVS 5\.0 Level 1-2: 3 tested, 1 control, 0 n\/a, 1 gap\n/);
    expect(formatReport(clean)).toContain("OK: every requirement is accounted for.");
    const broken = formatReport(check(fixture("table.md")));
    expect(broken).toContain("problem(s):\n  - ");
    expect(broken).not.toContain("OK:");
  });

  it("--update fills the Tests column of tested rows from the test names and leaves the other rows alone", () => {
    const updated = updateTestsColumn(fixture("table.md"), idsInTests(files));
    expect(updated).toContain("| V3.3.1 | 1 | Secure cookies | tested | `e2e/cookies.spec.ts`, `lib/render.test.ts` |  |");
    expect(updated).toContain("| V1.2.4 | 1 | Parameterized queries | control | | `db/client.ts`: every query goes through Drizzle's parameters \\| no string SQL |");
    expect(parseTable(updated).rows.map((r) => r.id)).toEqual(parseTable(fixture("table.md")).rows.map((r) => r.id));
  });
});

describe("the ASVS check: README's coverage line", () => {
  const readme = "# App\n\n**ASVS 5.0 coverage** (Levels 1 and 2): 3 tested, 1 control, 0 n/a, 1 gap.\nMore text.\n";
  const counts = { tested: 3, control: 1, "n/a": 0, gap: 1 };

  it("reads the counts, and fails when they disagree with the table or the line is missing", () => {
    expect(readmeCounts(readme)).toEqual(counts);
    expect(readmeProblem(readme, counts)).toBeNull();
    expect(readmeProblem(readme, { ...counts, tested: 4, gap: 0 })).toBe("README.md says 3 tested, 1 control, 0 n/a, 1 gap; the table has 4 tested, 1 control, 0 n/a, 0 gap");
    expect(readmeProblem("# App\n", counts)).toMatch(/no line starting \*\*ASVS 5\.0 coverage\*\*/);
  });

  it("--update rewrites only the counts", () => {
    const updated = updateReadmeCounts(readme, { tested: 10, control: 20, "n/a": 30, gap: 0 });
    expect(updated).toBe("# App\n\n**ASVS 5.0 coverage** (Levels 1 and 2): 10 tested, 20 control, 30 n/a, 0 gap.\nMore text.\n");
  });
});

describe("the ASVS check on this repository", () => {
  it("reads the repository's own copy of the ASVS 5.0 CSV: 246 requirements at Level 1 or 2 outside V17", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const { requirements: real, table } = checkRepository(root);
    expect(real.inScope).toHaveLength(246);
    expect(table.rows.length).toBeGreaterThanOrEqual(246);
  });
});

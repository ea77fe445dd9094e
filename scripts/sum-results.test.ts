import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { countRunner } from "./sum-results.mjs";

const fixture = (name: string) => JSON.parse(readFileSync(path.join("tests/fixtures/sum-results", name), "utf8"));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * vitest-mixed.json is real Vitest 4 JSON output of four files: one passing (with a skip and a
 * todo), one with 1 failed and 1 passed test, one that throws while loading, one whose beforeAll
 * throws (its 2 tests are reported skipped). Vitest itself reported "1 failed" test and 3 failed files.
 */
describe("the totals line (scripts/sum-results.mjs)", () => {
  it("counts a Vitest run's failures exactly: a failed test once, a file that failed without a failed test once", () => {
    expect(countRunner(fixture("vitest-mixed.json"))).toEqual({ passed: 2, failed: 3, skipped: 4 });
  });

  it("a file whose tests failed adds nothing on top of its tests", () => {
    const r = fixture("vitest-mixed.json");
    r.testResults = r.testResults.filter((f: { name: string }) => f.name.endsWith("b.test.mjs"));
    expect(countRunner(r).failed).toBe(1);
  });

  it("an unsuccessful Vitest run with no failed test or file still counts as a failure (an unhandled error)", () => {
    const r = fixture("vitest-mixed.json");
    r.testResults = r.testResults.filter((f: { status: string }) => f.status === "passed");
    Object.assign(r, { numFailedTests: 0, success: false });
    expect(countRunner(r).failed).toBe(1);
    expect(countRunner({ ...r, success: true }).failed).toBe(0);
  });

  it("counts Playwright (flaky as passed, global errors as failures) and the static checks", () => {
    expect(countRunner(fixture("playwright.json"))).toEqual({ passed: 11, failed: 2, skipped: 2 });
    expect(countRunner(fixture("lint.json"))).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it("prints one totals line for the folder and exits non-zero when anything failed", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-sum-"));
    dirs.push(dir);
    for (const f of ["vitest-mixed.json", "playwright.json", "lint.json"]) writeFileSync(path.join(dir, f), readFileSync(path.join("tests/fixtures/sum-results", f)));
    let out = "";
    let code = 0;
    try {
      out = execFileSync(process.execPath, ["scripts/sum-results.mjs", dir], { encoding: "utf8" });
    } catch (e) {
      ({ stdout: out, status: code } = e as { stdout: string; status: number });
    }
    expect(out.trim().split("\n").at(-1)).toBe("13 passed, 6 failed, 6 skipped");
    expect(code).toBe(1);
  });
});

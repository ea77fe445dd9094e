import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/lib/audit/catalogue";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SKIP = new Set(["node_modules", ".git", "e2e", "sandbox-bank", "public", "db"]);

function testFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith(".next") || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) testFiles(full, out);
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

/** Actions a test proves are recorded: `expectAudited(db, { action: "x", ... })` after running the flow. */
function provenActions(): Map<string, string[]> {
  const proven = new Map<string, string[]>();
  const call = /expectAudited\(\s*[^,]+,\s*\{[^}]*?\baction:\s*"([a-z_]+\.[a-z_]+)"/gs;
  for (const file of testFiles(ROOT)) {
    for (const m of readFileSync(file, "utf8").matchAll(call)) {
      const list = proven.get(m[1]!) ?? [];
      list.push(path.relative(ROOT, file));
      proven.set(m[1]!, list);
    }
  }
  return proven;
}

describe("audit catalogue walk", () => {
  const proven = provenActions();

  it("V16.1.1 every action in the catalogue is recorded by a test that runs the flow causing it", () => {
    const missing = Object.keys(AUDIT_ACTIONS).filter((a) => !proven.has(a));
    expect(missing, `actions with no expectAudited(...) test: add one next to the flow that records them`).toEqual([]);
  });

  it("V16.1.1 tests name only actions that exist in the catalogue", () => {
    const unknown = [...proven.keys()].filter((a) => !Object.hasOwn(AUDIT_ACTIONS, a));
    expect(unknown).toEqual([]);
  });

  it("V16.1.1 every action has a description and a severity an admin can filter on", () => {
    for (const [action, entry] of Object.entries(AUDIT_ACTIONS)) {
      expect(entry.description.length, action).toBeGreaterThan(3);
      expect(["info", "notice", "warning", "critical"]).toContain(entry.severity);
    }
  });
});

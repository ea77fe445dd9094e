import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "@/lib/env";

/** The README promises "every variable, with its default": a variable the app reads but the README omits is a defect. */
describe("README configuration table", () => {
  it("V13.1.1 documents every environment variable the app parses", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Security model"));
    const documented = new Set([...section.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
    const missing = Object.keys(envSchema.shape).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });
});

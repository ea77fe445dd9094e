import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** What a deployment carries: build output, never the repository's own metadata or local secrets. */
describe("deployment contents", () => {
  it("V13.4.1 the image holds no .git or .env: the build context leaves them out and the final stage copies build output only", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n").map((l) => l.trim());
    for (const entry of [".git", ".env*", ".data", "node_modules"]) expect(ignored, entry).toContain(entry);
    const dockerfile = readFileSync("Dockerfile", "utf8");
    const runner = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    const copies = [...runner.matchAll(/^COPY (.+)$/gm)].map((m) => m[1]);
    expect(copies).toEqual([
      "--from=build /app/.next/standalone ./",
      "--from=build /app/.next/static ./.next/static",
      "--from=build /app/public ./public",
      "--from=build /app/db/migrations ./db/migrations",
    ]);
  });

  it("V13.4.1 the one folder served as files, public/, holds no hidden entry (no .git, no .env, no editor files)", () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [`${dir}/${e.name}/`, ...walk(`${dir}/${e.name}`)] : [`${dir}/${e.name}`]));
    expect(walk("public").filter((p) => p.split("/").some((part) => part.startsWith(".")))).toEqual([]);
  });
});

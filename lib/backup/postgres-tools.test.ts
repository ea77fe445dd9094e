import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { assertToolsMatch, BackupToolError } from "./postgres-tools";

const root = mkdtempSync(join(tmpdir(), "ck-pgtools-"));
const PATH = process.env.PATH;
afterEach(() => {
  process.env.PATH = PATH;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeTools(version: string): string {
  const dir = mkdtempSync(join(root, "bin-"));
  for (const tool of ["pg_dump", "pg_restore"]) {
    writeFileSync(join(dir, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) ${version}"\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return dir;
}

describe("pg_dump / pg_restore from the PATH", () => {
  it("accepts client tools of the server's major version", async () => {
    process.env.PATH = fakeTools("15.20 (Debian 15.20-0+deb12u1)");
    await expect(assertToolsMatch(15)).resolves.toBeUndefined();
  });

  it("refuses tools of another major version, naming both", async () => {
    process.env.PATH = fakeTools("14.11");
    await expect(assertToolsMatch(15)).rejects.toThrow(/pg_dump on the PATH is PostgreSQL 14, but the server is PostgreSQL 15/);
  });

  it("says what to install when the tools are missing", async () => {
    process.env.PATH = mkdtempSync(join(root, "empty-"));
    const attempt = assertToolsMatch(15);
    await expect(attempt).rejects.toBeInstanceOf(BackupToolError);
    await expect(attempt).rejects.toThrow(/pg_dump was not found on the PATH.*postgresql-client-15/);
  });
});

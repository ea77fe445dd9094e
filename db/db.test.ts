import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./client";

describe("database", () => {
  it("V15.4.1 the embedded database refuses a second process while one holds it (no silent lost writes)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-lock-"));
    writeFileSync(path.join(dir, "chargekeep.lock"), String(process.ppid)); // a live process that is not us
    expect(() => openDatabase({ pgliteDir: dir })).toThrow(/in use by process \d+/);
  });
});

describe("database TLS", () => {
  it("V12.3.1 V12.3.2 production connections to a remote database require TLS with a validated certificate unless told otherwise", async () => {
    const { sslFor } = await import("./client");
    expect(sslFor("postgres://u@db.example.com/x", undefined, true)).toBe("verify-full");
    expect(sslFor("postgres://u@db.example.com/x", "require", true)).toBe("require");
    expect(sslFor("postgres://u@127.0.0.1/x", undefined, true)).toBeUndefined();
    expect(sslFor("postgres://u@db.example.com/x?sslmode=verify-full", undefined, true)).toBeUndefined();
    expect(sslFor("postgres://u@db.example.com/x", "disable", true)).toBe(false);
    expect(sslFor("postgres://u@db.example.com/x", "verify-full", false)).toBe("verify-full");
    expect(sslFor("postgres://u@db.example.com/x", undefined, false)).toBeUndefined();
  });
});

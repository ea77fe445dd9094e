import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { assertKey, fileStore, ObjectNotFoundError, openStore } from "./index";

const root = () => mkdtempSync(join(tmpdir(), "ck-store-"));

describe("lib/storage file store", () => {
  it("V5.3.2 refuses keys that could leave the store: '..', absolute, empty or odd segments", () => {
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "a//b", ".", "a/./b", ".hidden", "a\\b", "a b", "", "x".repeat(600)]) {
      expect(() => assertKey(bad), bad).toThrow(/storage key refused/);
    }
    for (const good of ["a", "backups/20261124T101500Z-3f9a/data.bin", "org_1/inbox/file-1.csv"]) expect(() => assertKey(good)).not.toThrow();
  });

  it("puts, stats, lists, reads back and deletes; a missing key is ObjectNotFoundError", async () => {
    const store = fileStore(root());
    expect(await store.put("a/b.txt", Readable.from(["hello ", "world"]))).toEqual({ key: "a/b.txt", bytes: 11 });
    expect(await store.stat("a/b.txt")).toEqual({ key: "a/b.txt", bytes: 11 });
    expect(await store.list("a/")).toEqual([{ key: "a/b.txt", bytes: 11 }]);
    expect(await text(await store.get("a/b.txt"))).toBe("hello world");
    await store.delete("a/b.txt");
    await store.delete("a/b.txt"); // not there any more: not an error
    expect(await store.stat("a/b.txt")).toBeNull();
    await expect(store.get("a/b.txt")).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it("V16.3.4 a failed upload leaves nothing behind: no object and no partial file", async () => {
    const dir = root();
    const store = fileStore(dir);
    const failing = new Readable({
      read() {
        this.push("partial bytes");
        this.destroy(new Error("connection lost"));
      },
    });
    await expect(store.put("x/y.bin", failing)).rejects.toThrow(/connection lost/);
    expect(await store.stat("x/y.bin")).toBeNull();
    expect(readdirSync(join(dir, "x"))).toEqual([]);
  });

  it("openStore takes a directory with or without file:", async () => {
    const dir = root();
    expect(openStore(`file:${dir}`).location).toBe(dir);
    expect(openStore(dir).location).toBe(dir);
  });
});

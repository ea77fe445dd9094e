import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CHUNK_BYTES, decryptStream, encryptStream, newDataKey } from "./file-crypto";
import { parsePath, PathRefusedError } from "./vfs";

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
const seal = (key: Buffer, id: string, data: Buffer) => collect(Readable.from([data]).pipe(encryptStream(key, id)));
const unseal = (key: Buffer, id: string, data: Buffer) => collect(Readable.from([data]).pipe(decryptStream(key, id)));

describe("files at rest", () => {
  it("V11.3.2 V11.3.3 round-trips any size and detects altered, truncated, reordered or foreign data", async () => {
    const key = newDataKey();
    for (const size of [0, 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 17]) {
      const plain = Buffer.alloc(size, 0x61);
      const sealed = await seal(key, "f1", plain);
      expect(sealed.includes(Buffer.from("aaaaaaaa"))).toBe(false);
      expect((await unseal(key, "f1", sealed)).equals(plain)).toBe(true);
    }
    const sealed = await seal(key, "f1", Buffer.alloc(3 * CHUNK_BYTES, 1));
    const flipped = Buffer.from(sealed);
    flipped[10] = flipped[10]! ^ 1;
    await expect(unseal(key, "f1", flipped)).rejects.toThrow(/integrity/);
    // Cut at a chunk boundary: the last chunk left was not sealed as final.
    await expect(unseal(key, "f1", sealed.subarray(0, 2 * (CHUNK_BYTES + 16)))).rejects.toThrow(/integrity/);
    const swapped = Buffer.concat([sealed.subarray(CHUNK_BYTES + 16, 2 * (CHUNK_BYTES + 16)), sealed.subarray(0, CHUNK_BYTES + 16), sealed.subarray(2 * (CHUNK_BYTES + 16))]);
    await expect(unseal(key, "f1", swapped)).rejects.toThrow(/integrity/);
    await expect(unseal(key, "f2", sealed)).rejects.toThrow(/integrity/);
    await expect(unseal(newDataKey(), "f1", sealed)).rejects.toThrow(/integrity/);
  });
});

describe("virtual paths", () => {
  it("V5.3.2 parses only /inbox and /outbox files and refuses everything else", () => {
    expect(parsePath("/")).toEqual({ kind: "root" });
    expect(parsePath("inbox/")).toEqual({ kind: "folder", folder: "inbox" });
    expect(parsePath("/outbox/./a b (1).csv")).toEqual({ kind: "file", folder: "outbox", name: "a b (1).csv" });
    for (const bad of ["/inbox/../outbox/x", "../etc/passwd", "/etc/passwd", "/inbox/a/b", "/inbox/.ssh", "/inbox/a\\b", "/inbox/a\0b", "/inbox/x:y", `/inbox/${"a".repeat(201)}`]) {
      expect(() => parsePath(bad), bad).toThrow(PathRefusedError);
    }
  });
});

describe("download reads", () => {
  it("serves in-order, skipped-ahead, slightly-behind and backwards reads with the right bytes", async () => {
    const { DownloadReader } = await import("./download-reader");
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    let opens = 0;
    const reader = new DownloadReader(async () => (opens++, Readable.from([data.subarray(0, 100_000), data.subarray(100_000)])), data.length);
    // Short reads are allowed in SFTP: each answer must be the file's bytes at that offset.
    const at = async (offset: number, length: number) => {
      const got = (await reader.read(offset, length))!;
      expect(got.length).toBeGreaterThan(0);
      expect(got.equals(data.subarray(offset, offset + got.length))).toBe(true);
      return got.length;
    };
    await at(0, 31_952);
    await at(32_768, 31_952); // skips the 816 bytes between
    expect(await at(31_952, 816)).toBe(816); // ssh2's fastGet asks for the tail it missed: served from history
    expect(await at(20_000, 30_000)).toBe(30_000); // inside history, crossing pieces
    expect(opens).toBe(1);
    await at(290_000, 20_000); // to the end (short read)
    expect(await reader.read(300_000, 10)).toBeNull();
    await at(10, 10); // still within the last 4 MB passed
    expect(opens).toBe(1);
    reader.close();

    const big = Buffer.alloc(6 * 1024 * 1024, 7);
    const far = new DownloadReader(async () => (opens++, Readable.from([big])), big.length);
    expect((await far.read(5 * 1024 * 1024, 10))!.length).toBe(10);
    expect((await far.read(0, 10))!.equals(big.subarray(0, 10))).toBe(true); // beyond the history: decrypts again from the start
    expect(opens).toBe(3);
    far.close();
  });
});

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createSecretKey, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle } from "@/db";
import { LocalKmsProvider } from "@/lib/crypto";
import { fileStore } from "@/lib/storage";
import { createBackup, decryptStream, encryptStream, fetchVerifiedBackup, restoreBackup, sourceOf, BackupTamperedError, DATA_KEY, MANIFEST_KEY, RestoreRefusedError } from ".";

const root = mkdtempSync(join(tmpdir(), "ck-backup-tamper-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function seal(plain: Buffer, key = createSecretKey(randomBytes(32)), name = "20261124T101500Z-abcd", chunk = 1000) {
  return { key, name, sealed: await collect(Readable.from([plain]).pipe(encryptStream(key, name, chunk))) };
}

/** Frame boundaries of an encrypted stream (flags, u32 length, body). */
function frames(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < buf.length; ) {
    const len = buf.readUInt32BE(at + 1);
    out.push(buf.subarray(at, at + 5 + len));
    at += 5 + len;
  }
  return out;
}

async function decrypt(buf: Buffer, key: ReturnType<typeof createSecretKey>, name: string): Promise<Buffer> {
  return collect(Readable.from([buf]).pipe(decryptStream(key, name)));
}

describe("chunked authenticated encryption (lib/backup/envelope)", () => {
  it("V11.3.2 V11.3.3 round-trips data of any length, empty included", async () => {
    for (const size of [0, 1, 999, 1000, 1001, 5000]) {
      const plain = randomBytes(size);
      const { key, name, sealed } = await seal(plain);
      expect(await decrypt(sealed, key, name)).toEqual(plain);
    }
  });

  it("V11.3.3 refuses one flipped byte anywhere", async () => {
    const { key, name, sealed } = await seal(randomBytes(3500));
    for (const at of [0, 3, 7, 500, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      await expect(decrypt(bad, key, name)).rejects.toBeInstanceOf(BackupTamperedError);
    }
  });

  it("V11.3.3 refuses a truncated stream, even cut exactly at a chunk boundary", async () => {
    const { key, name, sealed } = await seal(randomBytes(3500));
    const f = frames(sealed);
    await expect(decrypt(Buffer.concat(f.slice(0, 2)), key, name)).rejects.toThrow(/truncated/);
    await expect(decrypt(sealed.subarray(0, sealed.length - 10), key, name)).rejects.toThrow(/truncated/);
    await expect(decrypt(Buffer.concat([sealed, f[0]!]), key, name)).rejects.toThrow(/after the final chunk/);
  });

  it("V11.3.3 refuses reordered chunks, a chunk from another backup, and a non-final chunk marked final", async () => {
    const { key, name, sealed } = await seal(randomBytes(3500));
    const f = frames(sealed);
    await expect(decrypt(Buffer.concat([f[1]!, f[0]!, f[2]!, f[3]!]), key, name)).rejects.toThrow(/chunk 0 does not authenticate/);
    const other = await seal(randomBytes(3500), key, "20261124T101501Z-ffff");
    await expect(decrypt(Buffer.concat([f[0]!, frames(other.sealed)[1]!, f[2]!, f[3]!]), key, name)).rejects.toThrow(/chunk 1 does not authenticate/);
    const markedFinal = Buffer.from(f[1]!);
    markedFinal[0] = 1;
    await expect(decrypt(Buffer.concat([f[0]!, markedFinal]), key, name)).rejects.toBeInstanceOf(BackupTamperedError);
    await expect(decrypt(sealed, createSecretKey(randomBytes(32)), name)).rejects.toBeInstanceOf(BackupTamperedError);
  });
});

// Each test dumps and/or restores the whole per-worker test database, which grows as the run goes on: minutes on a busy machine.
describe("tampered or partial backups are refused before anything is restored", { timeout: 180_000 }, () => {
  const good = join(root, "good");
  let name: string;

  beforeAll(async () => {
    const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [fileStore(good)], chunkBytes: 2048 });
    expect(result.status).toBe("succeeded");
    name = result.name;
  }, 180_000);

  /** A copy of the good target, changed by `change`; returns its directory. */
  function tampered(label: string, change: (data: string, manifest: string) => void): string {
    const dir = join(root, label);
    cpSync(good, dir, { recursive: true });
    change(join(dir, name, DATA_KEY), join(dir, name, MANIFEST_KEY));
    return dir;
  }

  async function expectRefused(dir: string, message: RegExp) {
    await expect(fetchVerifiedBackup(fileStore(dir), name)).rejects.toThrow(message);
    const into = join(root, `restore-into-${randomBytes(3).toString("hex")}`);
    const attempt = restoreBackup({ kind: "pglite", dir: into }, { trigger: "cli", name, yes: false, targets: [fileStore(dir)] });
    await expect(attempt).rejects.toBeInstanceOf(RestoreRefusedError);
    await expect(attempt).rejects.toThrow(/Nothing was restored/);
    expect(existsSync(into)).toBe(false);
  }

  it("V11.3.3 refuses a flipped byte in the data", async () => {
    const dir = tampered("flipped", (data) => {
      const b = readFileSync(data);
      b[Math.floor(b.length / 2)]! ^= 0x80;
      writeFileSync(data, b);
    });
    await expectRefused(dir, /SHA-256: it was altered/);
  });

  it("V11.3.3 refuses a truncated data file", async () => {
    const dir = tampered("truncated", (data) => writeFileSync(data, readFileSync(data).subarray(0, Math.floor(readFileSync(data).length / 2))));
    await expectRefused(dir, /truncated or altered/);
  });

  it("V11.3.3 refuses swapped chunks (same size, so only the content checks can tell)", async () => {
    const dir = tampered("swapped", (data) => {
      const f = frames(readFileSync(data));
      expect(f.length).toBeGreaterThan(2);
      writeFileSync(data, Buffer.concat([f[1]!, f[0]!, ...f.slice(2)]));
    });
    await expectRefused(dir, /SHA-256: it was altered/);
  });

  it("V11.3.3 refuses swapped chunks: the chunk tags catch what the SHA-256 is not asked about", async () => {
    const data = readFileSync(join(good, name, DATA_KEY));
    const f = frames(data);
    const manifestText = readFileSync(join(good, name, MANIFEST_KEY), "utf8");
    const { openManifest } = await import("./manifest");
    const { key } = await openManifest(manifestText, name);
    await expect(pipeline(Readable.from([Buffer.concat([f[0]!, f[2]!, f[1]!, ...f.slice(3)])]), decryptStream(key, name), async function* (s) {
      for await (const _ of s) yield _;
    })).rejects.toThrow(/chunk 1 does not authenticate/);
  });

  it("V11.3.3 refuses an edited manifest, one given another backup's key, a missing manifest, and another master key", async () => {
    type ManifestFile = { format: number; name: string; key: { kekId: string; wrapped: string }; sealed: string };
    const edited = tampered("edited-manifest", (_d, manifest) => {
      const m = JSON.parse(readFileSync(manifest, "utf8")) as ManifestFile;
      const sealed = Buffer.from(m.sealed, "base64");
      sealed[20]! ^= 0x01;
      writeFileSync(manifest, JSON.stringify({ ...m, sealed: sealed.toString("base64") }));
    });
    await expectRefused(edited, /does not authenticate/);
    // The wrapped key is bound to the backup's name: another backup's key does not unwrap here.
    const other = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [fileStore(join(root, "other"))] });
    const foreignKey = tampered("foreign-key", (_d, manifest) => {
      const theirs = JSON.parse(readFileSync(join(root, "other", other.name, MANIFEST_KEY), "utf8")) as ManifestFile;
      const m = JSON.parse(readFileSync(manifest, "utf8")) as ManifestFile;
      writeFileSync(manifest, JSON.stringify({ ...m, key: theirs.key }));
    });
    await expectRefused(foreignKey, /does not unwrap/);
    const renamed = tampered("renamed", (_d, manifest) => {
      const theirs = readFileSync(join(root, "other", other.name, MANIFEST_KEY), "utf8");
      writeFileSync(manifest, theirs);
    });
    await expectRefused(renamed, /belongs to backup/);
    // Nothing readable in the clear: no table name, no row count.
    expect(readFileSync(join(good, name, MANIFEST_KEY), "utf8")).not.toMatch(/users|rows|tables/);
    const partial = tampered("partial", (_d, manifest) => rmSync(manifest));
    await expect(fetchVerifiedBackup(fileStore(partial), name)).rejects.toThrow(/no manifest.*partial/);
    const otherKms = new LocalKmsProvider(randomBytes(32));
    await expect(fetchVerifiedBackup(fileStore(good), name, otherKms)).rejects.toThrow(/does not unwrap/);
  });
});

import "server-only";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { KmsProvider } from "@/lib/crypto";
import type { ObjectStore } from "@/lib/storage";
import { BackupTamperedError, decryptStream } from "./envelope";
import { DATA_KEY, MANIFEST_KEY, openManifest, type ManifestBody } from "./manifest";

const MAX_MANIFEST_BYTES = 5_000_000;

export type FetchedBackup = {
  manifest: ManifestBody;
  location: string;
  /** The verified plaintext dump, decrypted again from the local copy that was verified. */
  openDump: () => Readable;
  cleanup: () => Promise<void>;
};

async function readText(stream: Readable, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > limit) throw new BackupTamperedError("the manifest is far too large to be a ChargeKeep manifest.");
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString("utf8");
}

/**
 * Copies a backup's encrypted object from one target to a private temporary directory, checking
 * on the way: the manifest's seal (GCM), the object's SHA-256 and size against the manifest, every chunk's
 * GCM tag, the final chunk, and that the gzip stream and dump size are whole. Only then can the
 * dump be read (from the local copy, which nobody else can change). Nothing is restored from a
 * backup that fails any of these; the error says which.
 */
export async function fetchVerifiedBackup(store: ObjectStore, name: string, kms?: KmsProvider, onBytes?: (done: number, total: number) => void): Promise<FetchedBackup> {
  const manifestStream = await store.get(`${name}/${MANIFEST_KEY}`).catch(() => {
    throw new BackupTamperedError(`${name} has no manifest in ${store.location}: it is partial (unfinished or damaged). Use another target or another backup.`);
  });
  const { body, key } = await openManifest(await readText(manifestStream, MAX_MANIFEST_BYTES), name, kms);
  const size = await store.stat(`${name}/${DATA_KEY}`);
  if (!size) throw new BackupTamperedError(`${name} has a manifest but no data in ${store.location}: it is partial.`);
  if (size.bytes !== body.sizes.encrypted) {
    throw new BackupTamperedError(`${name} in ${store.location} is ${size.bytes} bytes, its manifest says ${body.sizes.encrypted}: it is truncated or altered.`);
  }
  const dir = await mkdtemp(join(tmpdir(), "ck-restore-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const file = join(dir, DATA_KEY);
  try {
    const hash = createHash("sha256");
    let dumpBytes = 0;
    let fetched = 0;
    onBytes?.(0, body.sizes.encrypted);
    const tee = new Transform({
      transform(chunk: Buffer, _e, done) {
        hash.update(chunk);
        fetched += chunk.length;
        onBytes?.(fetched, body.sizes.encrypted);
        done(null, chunk);
      },
    });
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own mkdtemp directory
    const local = createWriteStream(file, { mode: 0o600 });
    const copy = pipeline(await store.get(`${name}/${DATA_KEY}`), tee, local);
    await copy;
    if (hash.digest("hex") !== body.sha256) throw new BackupTamperedError(`${name} in ${store.location} does not match its manifest's SHA-256: it was altered.`);
    // Every tag, the final chunk and the gzip trailer, before anything is restored.
    await pipeline(
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own mkdtemp directory
      createReadStream(file),
      decryptStream(key, name),
      createGunzip(),
      new Writable({
        write(chunk: Buffer, _e, done) {
          dumpBytes += chunk.length;
          done();
        },
      }),
    ).catch((e: unknown) => {
      if (e instanceof BackupTamperedError) throw e;
      throw new BackupTamperedError(`${name} does not decompress: ${e instanceof Error ? e.message : String(e)}`);
    });
    if (dumpBytes !== body.sizes.dump) throw new BackupTamperedError(`${name} decrypts to ${dumpBytes} bytes, its manifest says ${body.sizes.dump}.`);
  } catch (e) {
    await cleanup();
    throw e;
  }
  return {
    manifest: body,
    location: store.location,
    openDump: () => {
      const out = new PassThrough();
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own mkdtemp directory
      pipeline(createReadStream(file), decryptStream(key, name), createGunzip(), out).catch((e: unknown) => out.destroy(e as Error));
      return out;
    },
    cleanup,
  };
}

/** The dump read into memory (PGlite loads a data directory only from a Blob). */
export async function dumpAsBlob(fetched: FetchedBackup): Promise<Blob> {
  const parts: Buffer[] = [];
  for await (const chunk of fetched.openDump()) parts.push(chunk as Buffer);
  return new Blob(parts as Uint8Array<ArrayBuffer>[]);
}

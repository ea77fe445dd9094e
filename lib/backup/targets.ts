import "server-only";
import { createHash } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { env } from "@/lib/env";
import { openStore, type ObjectStore } from "@/lib/storage";

/** BACKUP_TARGETS: comma-separated directories, s3://bucket/prefix and/or azblob://container/prefix, each written in full. */
export function backupTargets(value: string = env().BACKUP_TARGETS): ObjectStore[] {
  const locations = [...new Set(value.split(",").map((s) => s.trim()).filter(Boolean))];
  if (locations.length === 0) throw new Error("BACKUP_TARGETS names no location.");
  return locations.map((l) => openStore(l));
}

/** SHA-256 (hex) and size of a stream, read to its end. */
export async function digestStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

function writeTo(branch: PassThrough, chunk: Buffer): Promise<void> {
  if (branch.destroyed || branch.writableEnded) return Promise.resolve();
  if (branch.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      branch.off("drain", done);
      branch.off("close", done);
      resolve();
    };
    branch.on("drain", done);
    branch.on("close", done);
  });
}

/**
 * One stream copied to several consumers at the pace of the slowest live one. A consumer that
 * fails destroys its branch and is dropped; the others go on. If the source fails, every branch
 * fails with it, so no target can publish a partial object.
 */
export function fanOut(count: number) {
  const branches = Array.from({ length: count }, () => new PassThrough({ highWaterMark: 1024 * 1024 }));
  const hash = createHash("sha256");
  let bytes = 0;
  const sink = async (source: AsyncIterable<Buffer>) => {
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
        await Promise.all(branches.map((b) => writeTo(b, chunk)));
      }
    } catch (e) {
      for (const b of branches) b.destroy(e as Error);
      throw e;
    }
    for (const b of branches) if (!b.destroyed) b.end();
  };
  return { branches, sink, result: () => ({ sha256: hash.digest("hex"), bytes }) };
}

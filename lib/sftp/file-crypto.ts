import "server-only";
import { randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { CHUNK_TAG_BYTES, openChunk as openAeadChunk, sealChunk as sealAeadChunk } from "@/lib/crypto";

/**
 * Files at rest: AES-256-GCM under a random per-file data key, in chunks of CHUNK_BYTES plaintext.
 * Each chunk's nonce is its index (the key is never reused across files) and its AAD binds the
 * file id, the chunk index and whether it is the last chunk: chunks cannot be reordered, moved to
 * another file, or dropped from the end without the read failing.
 */
export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = CHUNK_TAG_BYTES;
export const FILE_FORMAT = { alg: "aes-256-gcm", chunkBytes: CHUNK_BYTES, version: 1 } as const;

export function newDataKey(): Buffer {
  return randomBytes(32);
}

function aadOf(fileId: string, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index));
  tail[8] = final ? 1 : 0;
  return Buffer.concat([Buffer.from(`chargekeep/sftp-file/v1/${fileId}/`), tail]);
}

function sealChunk(key: Buffer, fileId: string, index: number, final: boolean, plain: Buffer): Buffer {
  return sealAeadChunk(key, index, aadOf(fileId, index, final), plain);
}

function openChunk(key: Buffer, fileId: string, index: number, final: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new Error("stored file is truncated");
  const plain = openAeadChunk(key, index, aadOf(fileId, index, final), sealed);
  if (!plain) throw new Error("stored file failed its integrity check (altered, truncated or not this file)");
  return plain;
}

/**
 * Plaintext in, sealed chunks out. A chunk is only sealed once a byte beyond it has arrived, so the
 * last one (possibly empty) is always sealed with the final flag at the end of the stream.
 */
export function encryptStream(key: Buffer, fileId: string): Transform {
  const parts: Buffer[] = [];
  let held = 0;
  let index = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      parts.push(chunk);
      held += chunk.length;
      if (held > CHUNK_BYTES) {
        let all = Buffer.concat(parts);
        parts.length = 0;
        while (all.length > CHUNK_BYTES) {
          this.push(sealChunk(key, fileId, index++, false, all.subarray(0, CHUNK_BYTES)));
          all = all.subarray(CHUNK_BYTES);
        }
        parts.push(all);
        held = all.length;
      }
      done();
    },
    flush(done: TransformCallback) {
      this.push(sealChunk(key, fileId, index++, true, Buffer.concat(parts)));
      done();
    },
  });
}

/** Sealed chunks in, plaintext out; fails on any altered, reordered, foreign or missing chunk. */
export function decryptStream(key: Buffer, fileId: string): Transform {
  const sealedBytes = CHUNK_BYTES + TAG_BYTES;
  const parts: Buffer[] = [];
  let held = 0;
  let index = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      parts.push(chunk);
      held += chunk.length;
      if (held <= sealedBytes) return done();
      let all = Buffer.concat(parts);
      parts.length = 0;
      try {
        while (all.length > sealedBytes) {
          this.push(openChunk(key, fileId, index++, false, all.subarray(0, sealedBytes)));
          all = all.subarray(sealedBytes);
        }
      } catch (e) {
        return done(e as Error);
      }
      parts.push(all);
      held = all.length;
      done();
    },
    flush(done: TransformCallback) {
      try {
        this.push(openChunk(key, fileId, index++, true, Buffer.concat(parts)));
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

import "server-only";
import type { KeyObject } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { CHUNK_TAG_BYTES, openChunk, sealChunk } from "@/lib/crypto";

/**
 * The encrypted backup object: a sequence of frames, each one chunk sealed with AES-256-GCM.
 *
 *   frame = flags (1 byte: 1 = final chunk) ‖ length (u32 BE, ciphertext + tag) ‖ ciphertext ‖ tag (16)
 *
 * The nonce is the chunk's index (the key is random per backup and never used for anything else,
 * so an index is never reused under one key). The AAD binds backup name, chunk index and the final
 * flag: a flipped byte, a chunk moved, swapped in from another backup, dropped from the end, or a
 * non-final chunk marked final all fail authentication. A stream without a final frame, or with
 * bytes after it, is refused. Each chunk's plaintext is released only after its tag verified.
 */
export const CHUNK_BYTES = 1024 * 1024;
const TAG_BYTES = CHUNK_TAG_BYTES;
const HEADER_BYTES = 5;
const FLAG_FINAL = 1;
/** A frame is never larger than a chunk and its tag: a forged length cannot make us buffer more. */
const MAX_FRAME = CHUNK_BYTES + TAG_BYTES;

export class BackupTamperedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupTamperedError";
  }
}

function aad(backupName: string, index: number, final: boolean): Buffer {
  return Buffer.from(`chargekeep-backup/v1|${backupName}|${index}|${final ? 1 : 0}`, "utf8");
}

/** Plaintext in, frames out. Holds back one chunk so the last one can be marked final. */
export function encryptStream(key: KeyObject, backupName: string, chunkBytes = CHUNK_BYTES): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  const seal = (plain: Buffer, final: boolean): Buffer => {
    const body = sealChunk(key, index, aad(backupName, index, final), plain);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(final ? FLAG_FINAL : 0, 0);
    header.writeUInt32BE(body.length, 1);
    index += 1;
    return Buffer.concat([header, body]);
  };
  return new Transform({
    transform(data: Buffer, _enc, done: TransformCallback) {
      pending.push(data);
      pendingBytes += data.length;
      // Strictly more than a chunk: the chunk emitted now is certainly not the last.
      while (pendingBytes > chunkBytes) {
        const all = Buffer.concat(pending);
        this.push(seal(all.subarray(0, chunkBytes), false));
        pending = [all.subarray(chunkBytes)];
        pendingBytes = all.length - chunkBytes;
      }
      done();
    },
    flush(done: TransformCallback) {
      this.push(seal(Buffer.concat(pending), true));
      done();
    },
  });
}

/** Frames in, plaintext out; errors with BackupTamperedError at the first frame that does not verify. */
export function decryptStream(key: KeyObject, backupName: string): Transform {
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let index = 0;
  let finished = false;
  const take = (n: number): Buffer => {
    const all = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered);
    const out = all.subarray(0, n);
    buffered = all.length > n ? [all.subarray(n)] : [];
    bufferedBytes = all.length - n;
    return out;
  };
  const peekHeader = (): { final: boolean; length: number } | null => {
    if (bufferedBytes < HEADER_BYTES) return null;
    const head = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered);
    buffered = [head];
    const flags = head.readUInt8(0);
    if (flags !== 0 && flags !== FLAG_FINAL) throw new BackupTamperedError(`chunk ${index} has an unknown header: the backup was altered.`);
    const length = head.readUInt32BE(1);
    if (length < TAG_BYTES || length > MAX_FRAME) throw new BackupTamperedError(`chunk ${index} has an impossible length: the backup was altered.`);
    return { final: flags === FLAG_FINAL, length };
  };
  return new Transform({
    transform(data: Buffer, _enc, done: TransformCallback) {
      try {
        buffered.push(data);
        bufferedBytes += data.length;
        for (;;) {
          if (finished) {
            if (bufferedBytes > 0) throw new BackupTamperedError("there are bytes after the final chunk: the backup was altered.");
            break;
          }
          const header = peekHeader();
          if (!header || bufferedBytes < HEADER_BYTES + header.length) break;
          const frame = take(HEADER_BYTES + header.length);
          const body = frame.subarray(HEADER_BYTES);
          const plain = openChunk(key, index, aad(backupName, index, header.final), body);
          if (!plain) throw new BackupTamperedError(`chunk ${index} does not authenticate: the backup was altered, reordered or mixed with another one.`);
          index += 1;
          finished = header.final;
          if (plain.length) this.push(plain);
        }
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done: TransformCallback) {
      if (!finished) done(new BackupTamperedError(`the backup ends after chunk ${index - 1} without its final chunk: it is truncated.`));
      else done();
    },
  });
}

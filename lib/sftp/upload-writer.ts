import "server-only";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { encryptStream } from "./file-crypto";
import type { PendingUpload } from "./files";
import { sftpStore } from "./storage";

/** A refusal the client is shown as the SFTP status message. */
export class UploadRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UploadRefusedError";
  }
}

/** Looks at the bytes in order as they pass (lib/imports' StatementContentCheck for /inbox); both throw or answer with a sentence. */
export type ContentCheck = { add(chunk: Buffer): void; verdict(): string | null };

const MAX_PENDING_WRITES = 64;
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * Streams one upload into storage, encrypting as it goes: nothing is buffered beyond one chunk
 * and a small window of pipelined writes. SFTP writes carry offsets and clients keep many in
 * flight (some, like ssh2's fastPut, out of order), so a write ahead of the next expected offset
 * waits in the window, and a write behind it (a random rewrite) is refused: the bytes already went
 * out encrypted.
 */
export class UploadWriter {
  // A 1 MB window between the SFTP writes and the encryption: pipelined writes are not each held for a drain.
  private readonly plain = new PassThrough({ highWaterMark: 1024 * 1024 });
  private readonly enc;
  private readonly stored: Promise<unknown>;
  private readonly m = measure();
  /** Writes ahead of the expected offset, held (unanswered) until the gap before them fills. */
  private readonly pending = new Map<number, { data: Buffer; done: () => void; fail: (e: Error) => void }>();
  private pendingBytes = 0;
  private expected = 0;
  private failed: Error | null = null;

  constructor(
    readonly upload: PendingUpload,
    private readonly limits: { maxFileBytes: number; roomBytes: number; check?: ContentCheck },
  ) {
    this.enc = encryptStream(upload.dataKey, upload.fileId);
    // The store attaches its own listener only once its put() gets going (after mkdir, say): an
    // abort before then must not surface as an uncaught stream error.
    this.enc.on("error", (e: Error) => (this.failed ??= e));
    this.plain.pipe(this.enc);
    this.stored = sftpStore().put(upload.storageKey, this.enc);
    this.stored.catch((e: Error) => (this.failed ??= e));
  }

  /**
   * Resolves once these bytes are in the stream. A write ahead of the gap is answered only when
   * the gap fills, so the client's own limit on unanswered requests bounds the window.
   */
  async write(offset: number, data: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    if (offset < this.expected || this.pending.has(offset)) throw new UploadRefusedError("Rewriting earlier parts of a file is not supported: upload it again from the start.");
    if (offset > this.expected) {
      if (this.pending.size >= MAX_PENDING_WRITES || this.pendingBytes + data.length > MAX_PENDING_BYTES) {
        throw new UploadRefusedError("Writes arrived too far out of order: upload the file sequentially.");
      }
      this.pendingBytes += data.length;
      return new Promise<void>((done, fail) => this.pending.set(offset, { data: Buffer.from(data), done, fail }));
    }
    await this.push(data);
    for (let next = this.pending.get(this.expected); next; next = this.pending.get(this.expected)) {
      this.pending.delete(this.expected);
      this.pendingBytes -= next.data.length;
      try {
        await this.push(next.data);
        next.done();
      } catch (e) {
        next.fail(e as Error);
        throw e;
      }
    }
  }

  private async push(data: Buffer): Promise<void> {
    const total = this.expected + data.length;
    if (total > this.limits.maxFileBytes) {
      throw new UploadRefusedError(`File too large: the limit is ${formatBytes(this.limits.maxFileBytes)} per file.`);
    }
    if (total > this.limits.roomBytes) {
      throw new UploadRefusedError(`Quota exceeded: your organization's file space has ${formatBytes(Math.max(0, this.limits.roomBytes))} free. Delete files from /inbox or /outbox first.`);
    }
    try {
      this.limits.check?.add(data);
    } catch (e) {
      throw new UploadRefusedError((e as Error).message);
    }
    this.m.add(data);
    this.expected = total;
    if (!this.plain.write(data)) await Promise.race([once(this.plain, "drain"), this.stored]);
    if (this.failed) throw this.failed;
  }

  /**
   * At CLOSE every write has been answered by a well-behaved client, so a write still waiting
   * means a gap that will never fill: those fail (and with them the upload) instead of hanging.
   */
  failGaps(): void {
    if (!this.pending.size) return;
    this.failed ??= new UploadRefusedError("The upload has gaps: some parts of the file never arrived.");
    for (const p of this.pending.values()) p.fail(this.failed);
    this.pending.clear();
  }

  /** Ends the upload; resolves with the plaintext's size and SHA-256 once the object is stored. */
  async finish(): Promise<{ size: number; sha256: string }> {
    this.failGaps();
    if (this.failed) throw this.failed;
    const wrongType = this.limits.check?.verdict();
    if (wrongType) throw (this.failed = new UploadRefusedError(wrongType));
    this.plain.end();
    await this.stored;
    return this.m.result();
  }

  /** Stops the upload; the store drops its partial object. */
  async abort(reason = new Error("upload aborted")): Promise<void> {
    this.failed ??= reason;
    for (const p of this.pending.values()) p.fail(this.failed);
    this.pending.clear();
    this.enc.destroy(reason);
    this.plain.destroy();
    await this.stored.catch(() => undefined);
  }
}

export function formatBytes(n: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Size and SHA-256 of the plaintext as it passes, for the row. */
function measure() {
  const hash = createHash("sha256");
  let size = 0;
  return { add: (b: Buffer) => (hash.update(b), (size += b.length)), result: () => ({ size, sha256: hash.digest("hex") }) };
}

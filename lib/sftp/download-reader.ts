import "server-only";
import type { Readable } from "node:stream";

/** Bytes kept behind the read position: clients re-ask for the short tail of a read (ssh2's fastGet). */
const HISTORY_BYTES = 4 * 1024 * 1024;

/**
 * Serves SFTP reads (offset, length) from a file that can only be decrypted front to back: reads
 * at the current position continue the stream, a read further on skips ahead, a read a little
 * behind it is answered from the last few MB passed, and a read further back (a real backwards
 * seek) starts decrypting again from the beginning.
 */
export class DownloadReader {
  private stream: Readable | null = null;
  private iter: AsyncIterator<Buffer> | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private position = 0;
  private ended = false;
  /** Recent bytes before `position`, oldest first; the first starts at `historyStart`. */
  private history: Buffer[] = [];
  private historyBytes = 0;
  /** Bytes served, for the transfer log. */
  served = 0;

  constructor(
    private readonly openStream: () => Promise<Readable>,
    readonly size: number,
  ) {}

  /** Up to `length` bytes at `offset`, or null at the end of the file. */
  async read(offset: number, length: number): Promise<Buffer | null> {
    if (offset >= this.size) return null;
    const recent = this.fromHistory(offset, length);
    if (recent) return this.count(recent);
    if (!this.iter || offset < this.position) await this.restart();
    while (this.position < offset) {
      const skip = await this.take(Math.min(offset - this.position, 1024 * 1024));
      if (!skip) return null;
    }
    const out = await this.take(length);
    return out ? this.count(out) : null;
  }

  private count(b: Buffer): Buffer {
    this.served += b.length;
    return b;
  }

  /** A short read from the bytes just behind the position (never past it: short reads are allowed). */
  private fromHistory(offset: number, length: number): Buffer | null {
    if (offset < this.position - this.historyBytes || offset >= this.position) return null;
    // Walk back from the newest piece to the one holding `offset`, then copy forward.
    let i = this.history.length - 1;
    let start = this.position - this.history[i]!.length;
    while (start > offset) start -= this.history[--i]!.length;
    const parts: Buffer[] = [];
    let at = offset - start;
    let left = Math.min(length, this.position - offset);
    for (; left > 0; i++, at = 0) {
      const piece = this.history[i]!.subarray(at, at + left);
      parts.push(piece);
      left -= piece.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private async take(length: number): Promise<Buffer | null> {
    while (this.buf.length < length && !this.ended) {
      const next = await this.iter!.next();
      if (next.done) this.ended = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, next.value]) : next.value;
    }
    if (!this.buf.length) return null;
    const out = this.buf.subarray(0, length);
    this.buf = this.buf.subarray(out.length);
    this.position += out.length;
    this.history.push(out);
    this.historyBytes += out.length;
    while (this.historyBytes - this.history[0]!.length >= HISTORY_BYTES) this.historyBytes -= this.history.shift()!.length;
    return out;
  }

  private async restart(): Promise<void> {
    this.close();
    this.stream = await this.openStream();
    this.iter = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.buf = Buffer.alloc(0);
    this.position = 0;
    this.ended = false;
    this.history = [];
    this.historyBytes = 0;
  }

  close(): void {
    this.stream?.destroy();
    this.stream = null;
    this.iter = null;
  }
}

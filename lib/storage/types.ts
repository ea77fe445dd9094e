import type { Readable } from "node:stream";

export type StoredObject = { key: string; bytes: number };
export type PutOptions = { retainUntil?: Date };

/**
 * Where backups and SFTP files keep their (already encrypted) bytes: a directory, or an S3-compatible
 * bucket. Keys are relative, slash-separated, and checked (`assertKey`), so no caller can reach
 * outside the store.
 */
export interface ObjectStore {
  /** For messages and the status page: never carries a credential. */
  readonly location: string;
  /**
   * Streams `body` in; the object appears whole or not at all. `retainUntil`: the store's own
   * immutability (S3 Object Lock in compliance mode, an Azure immutability policy) so nobody, an
   * operator's stolen credential included, can delete or overwrite it before then; a store that
   * cannot lock it fails the put. Directories cannot: they ignore it (documented).
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<StoredObject>;
  /** Throws ObjectNotFoundError when absent. */
  get(key: string): Promise<Readable>;
  stat(key: string): Promise<StoredObject | null>;
  /** Deleting what is not there is not an error. */
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<StoredObject[]>;
}

export class ObjectNotFoundError extends Error {
  constructor(location: string, key: string) {
    super(`${key} is not in ${location}`);
    this.name = "ObjectNotFoundError";
  }
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Relative, no "." or ".." segments, no empty segments, a plain alphabet. */
export function assertKey(key: string): void {
  if (key.length > 512 || !key.split("/").every((s) => SEGMENT.test(s))) {
    throw new Error(`storage key refused: ${JSON.stringify(key.slice(0, 80))}`);
  }
}

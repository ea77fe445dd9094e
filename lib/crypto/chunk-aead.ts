import "server-only";
import { createCipheriv, createDecipheriv, type KeyObject } from "node:crypto";

/**
 * AES-256-GCM for one chunk of a chunked stream (backups, SFTP files at rest). The nonce is the
 * chunk's index, which is safe only because every such key is random and seals one stream; the
 * caller's AAD binds what the chunk belongs to, its index and whether it is the last, so chunks
 * cannot be reordered, swapped between streams or dropped from the end.
 */
export const CHUNK_TAG_BYTES = 16;

function counterNonce(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

/** Ciphertext followed by its 16-byte tag. */
export function sealChunk(key: Buffer | KeyObject, index: number, aad: Buffer, plain: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, counterNonce(index), { authTagLength: CHUNK_TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext, or null when the chunk does not authenticate (altered, moved, wrong key or AAD). */
export function openChunk(key: Buffer | KeyObject, index: number, aad: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < CHUNK_TAG_BYTES) return null;
  const decipher = createDecipheriv("aes-256-gcm", key, counterNonce(index), { authTagLength: CHUNK_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - CHUNK_TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - CHUNK_TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

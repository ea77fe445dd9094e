import "server-only";
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomFillSync,
  type KeyObject,
} from "node:crypto";
import { IV_BYTES, TAG_BYTES } from "./format";

/** AES-256-GCM from Node's OpenSSL; every key is 256 bits. */
export const KEY_BYTES = 32;
const ALGORITHM = "aes-256-gcm";
const HKDF_SALT = Buffer.from("chargekeep/hkdf/v1");

/**
 * IVs are 96 random bits from the OS CSPRNG, drawn from a refilled pool (a syscall per value would
 * dominate small values). Each 12-byte slice is used once and copied out before the next refill.
 * Random IVs stay safe up to 2^32 values per key (NIST SP 800-38D); keys here are per column and
 * per data key, and rotation starts new ones. Node never fork(2)s a process, and each worker thread
 * has its own pool, so no two encryptors share pool bytes.
 */
const ivPool = Buffer.allocUnsafe(IV_BYTES * 1024);
let ivOffset = ivPool.length;

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/** HKDF-SHA256: one subkey per purpose (column, blind index, key wrapping) from one input key. */
export function deriveKey(inputKey: Buffer | KeyObject, info: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync("sha256", inputKey, HKDF_SALT, info, KEY_BYTES)));
}

/** Returns IV ‖ ciphertext ‖ tag. The plaintext is never compressed (length would leak content). */
export function sealBytes(key: KeyObject, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = nextIv();
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const rest = cipher.final(); // always empty for GCM, kept for correctness
  const out = Buffer.allocUnsafe(IV_BYTES + body.length + rest.length + TAG_BYTES);
  iv.copy(out, 0);
  body.copy(out, IV_BYTES);
  rest.copy(out, IV_BYTES + body.length);
  cipher.getAuthTag().copy(out, IV_BYTES + body.length + rest.length);
  return out;
}

/** The plaintext, or null when authentication fails (wrong key, wrong AAD, any bit changed). */
export function openBytes(key: KeyObject, payload: Buffer, aad: Buffer): Buffer | null {
  if (payload.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, payload.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
    const body = decipher.update(payload.subarray(IV_BYTES, payload.length - TAG_BYTES));
    const rest = decipher.final(); // throws when the tag does not verify
    return rest.length ? Buffer.concat([body, rest]) : body;
  } catch {
    return null;
  }
}

export function hmacSha256(key: KeyObject, value: string): Buffer {
  return createHmac("sha256", key).update(value, "utf8").digest();
}

/**
 * The stored form of an encrypted value, version 1:
 *
 *   ck1.<key id>.<base64url( IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes) )>
 *
 * - "ck1" names the layout and the algorithm (AES-256-GCM, per-column HKDF subkey, AAD below), so a
 *   later version can change any of them while old values stay readable.
 * - the key id names the data key in the keyring table; rotation reads it to find what to rewrite,
 *   and keys:status counts it in SQL without decrypting anything.
 * - the header "ck1.<key id>." is part of the additional data, so changing it is detected.
 *
 * No secrets and no "server-only" here: the schema (and so drizzle-kit) imports the SQL pattern.
 */
export const FORMAT_VERSION = "ck1";
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** Shortest valid payload: IV and tag around an empty plaintext, 28 bytes = 38 base64url characters. */
const MIN_PAYLOAD_CHARS = Math.ceil(((IV_BYTES + TAG_BYTES) * 4) / 3);

/**
 * What a database CHECK constraint requires of an encrypted column, so a raw `sql` write of
 * plaintext is refused by the database itself. POSIX regex, no backslashes (portable quoting).
 */
export const STORED_VALUE_SQL_PATTERN = `^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{${MIN_PAYLOAD_CHARS},}$`;

const PREFIX = `${FORMAT_VERSION}.`;

export type ParsedValue = { keyId: number; header: string; payload: Buffer };

/**
 * Splits a stored value; null when it is not in the current format. Never throws, never logs.
 * Hand-parsed (this runs for every encrypted value read). Node's base64 decoder skips characters
 * outside the alphabet, so the decoded length is checked against the text's: a value carrying
 * anything but base64url is refused rather than silently cleaned.
 */
export function parseStoredValue(stored: string): ParsedValue | null {
  if (typeof stored !== "string" || !stored.startsWith(PREFIX)) return null;
  const dot = stored.indexOf(".", PREFIX.length);
  if (dot <= PREFIX.length || dot > PREFIX.length + 9) return null;
  let keyId = 0;
  for (let i = PREFIX.length; i < dot; i++) {
    const digit = stored.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    keyId = keyId * 10 + digit;
  }
  const chars = stored.length - dot - 1;
  if (chars < MIN_PAYLOAD_CHARS || chars % 4 === 1) return null;
  const payload = Buffer.from(stored.slice(dot + 1), "base64url");
  if (payload.length !== Math.floor((chars * 3) / 4)) return null;
  return { keyId, header: stored.slice(0, dot + 1), payload };
}

export function headerFor(keyId: number): string {
  return `${FORMAT_VERSION}.${keyId}.`;
}

/** True when a string has the shape of a stored value (not that it decrypts). */
export function looksEncrypted(value: string): boolean {
  return parseStoredValue(value) !== null;
}

/** Table and column names take part in key derivation and AAD: plain SQL identifiers only. */
export function assertIdentifier(kind: string, name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Encrypted ${kind} name "${name}" must be a lower-case SQL identifier`);
}

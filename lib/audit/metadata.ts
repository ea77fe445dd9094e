import "server-only";
import { isProduction } from "@/lib/env";
import type { AuditMetadata } from "./canonical";

/** Words that name a secret. Matched against the words of a key (camelCase, snake_case, kebab-case). */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "token",
  "otp",
  "code",
  "pin",
  "cookie",
  "authorization",
  "bearer",
  "key",
  "apikey",
  "credentials",
  "assertion",
  "signature",
]);

const MAX_KEYS = 32;
const MAX_STRING = 512;

export class AuditMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditMetadataError";
  }
}

function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * A key that names a secret (password, token, secret, code, otp, cookie, authorization, key…)
 * is refused, whatever its value: audit events are read by admins and shipped to SIEMs. Plurals
 * used for counts ("recoveryCodes": 10, "keys": 2) are not secret words.
 */
export function isSecretKey(key: string): boolean {
  const words = wordsOf(key);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  const joined = words.join("");
  return /password|passwd|secret|token|apikey|privatekey|cookie/.test(joined);
}

/**
 * Checks event metadata. Development and tests refuse a secret-looking key or a bad value with an
 * error (a bug to fix at once); production drops it and logs, so an audited change never fails on
 * its description.
 */
export function sanitizeMetadata(action: string, input: AuditMetadata | undefined): AuditMetadata {
  const out: AuditMetadata = {};
  if (!input) return out;
  const problems: string[] = [];
  const entries = Object.entries(input);
  if (entries.length > MAX_KEYS) problems.push(`more than ${MAX_KEYS} keys`);
  for (const [key, value] of entries.slice(0, MAX_KEYS)) {
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(key)) {
      problems.push(`key ${JSON.stringify(key.slice(0, 64))} is not a plain name`);
      continue;
    }
    if (isSecretKey(key)) {
      problems.push(`key "${key}" names a secret`);
      continue;
    }
    if (value === null || typeof value === "boolean") out[key] = value;
    else if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
    else if (typeof value === "string") out[key] = value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value;
    else problems.push(`key "${key}" has a value of type ${typeof value}`);
  }
  if (problems.length) {
    const message = `audit metadata for ${action} refused: ${problems.join("; ")}`;
    if (!isProduction()) throw new AuditMetadataError(message);
    console.error(`[audit] ${message} (dropped)`);
  }
  return out;
}

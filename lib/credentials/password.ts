import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";

/** OWASP's argon2id profile: 19 MiB, 2 passes, 1 lane. `algorithm: 2` is argon2id (const enum, see STACK-NOTES). */
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize("NFKC"), ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password.normalize("NFKC"));
  } catch {
    return false;
  }
}

// Unknown accounts are checked against this so both answers cost one argon2 verification.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash;
}

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  // ~49,000 passwords from public breach corpora, shipped by @zxcvbn-ts/language-common.
  common ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return common;
}

export function commonPasswordCount(): number {
  return commonPasswords().size;
}

/**
 * Length is the rule (12..128, no composition rules, per ASVS V6.2); a password found in the
 * breach list, or built from the user's own e-mail or the product name, is refused.
 * Returns a message for the person, or null when acceptable.
 */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return "This password is on a list of commonly used passwords. Choose another.";
  const words = ["chargekeep", context.email?.split("@")[0], context.name]
    .filter((w): w is string => Boolean(w && w.length >= 4))
    .map((w) => w.toLowerCase());
  if (words.some((w) => lower.includes(w) && lower.replace(w, "").length < 6)) {
    return "This password is too close to your name, e-mail or the product name. Choose another.";
  }
  return null;
}

import "server-only";
import { createPublicKey } from "node:crypto";
// ssh2 is CommonJS: a default import works under Node's ESM loader (tsx) as well as in Next and Vitest.
import ssh2 from "ssh2";
import { fingerprintOf } from "./openssh-format";

export const ALLOWED_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"] as const;
export const MIN_RSA_BITS = 3072;

export type ParsedPublicKey = { algorithm: string; publicKey: string; fingerprint: string; bits: number | null; comment: string };

export class PublicKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PublicKeyError";
  }
}

/**
 * One authorized_keys line as a member pastes it. Refuses private keys, certificates, DSA,
 * security-key (sk-) types for now, and RSA under 3072 bits, with a sentence saying what to do.
 */
export function parsePublicKey(line: string): ParsedPublicKey {
  const text = line.trim();
  if (/PRIVATE KEY/.test(text)) throw new PublicKeyError("That is a private key. Paste the public key (the .pub file) and keep the private key to yourself.");
  const parts = text.split(/\s+/);
  if (parts.length < 2 || !/^[A-Za-z0-9+/]+={0,3}$/.test(parts[1]!)) throw new PublicKeyError("Paste one public key line, such as the contents of ~/.ssh/id_ed25519.pub.");
  const type = parts[0]!;
  if (!(ALLOWED_KEY_TYPES as readonly string[]).includes(type)) {
    throw new PublicKeyError(`Keys of type ${type.slice(0, 40)} are not accepted. Use ed25519 (ssh-keygen -t ed25519), ECDSA, or RSA of at least ${MIN_RSA_BITS} bits.`);
  }
  const parsed = ssh2.utils.parseKey(`${type} ${parts[1]}`);
  if (parsed instanceof Error || Array.isArray(parsed) || parsed.type !== type) throw new PublicKeyError("That public key could not be read. Copy the whole line from the .pub file.");
  const blob = parsed.getPublicSSH();
  let bits: number | null = null;
  if (type === "ssh-rsa") {
    bits = createPublicKey(parsed.getPublicPEM()).asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new PublicKeyError(`This RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required. An ed25519 key is better still.`);
  }
  return { algorithm: type, publicKey: `${type} ${blob.toString("base64")}`, fingerprint: fingerprintOf(blob), bits, comment: parts.slice(2).join(" ").slice(0, 100) };
}

/** The key a client offers during authentication (type and wire blob), checked by the same rules. */
export function offeredKey(algo: string, data: Buffer): ParsedPublicKey {
  return parsePublicKey(`${algo === "rsa-sha2-256" || algo === "rsa-sha2-512" ? "ssh-rsa" : algo} ${data.toString("base64")}`);
}

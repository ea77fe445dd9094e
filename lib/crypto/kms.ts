import "server-only";
import type { KeyPurpose } from "@/db/schema/keyring";
import { env, type Env } from "@/lib/env";
import { deriveKey, KEY_BYTES, openBytes, sealBytes } from "./aead";

/** What a wrapped data key is bound to: unwrapping it under another id or purpose fails. */
export type WrapContext = { keyId: number; purpose: KeyPurpose };

/**
 * Whatever holds the key-encryption key (KEK). The keyring only ever calls these two methods, so
 * AWS KMS (Encrypt/Decrypt with an EncryptionContext) or Azure Key Vault (wrapKey/unwrapKey) slot in
 * as another implementation chosen in kmsFromEnv(); see docs/encryption.md.
 */
export interface KmsProvider {
  /** Names the KEK; stored next to each wrapped key so a mismatch is reported, not guessed. */
  readonly kekId: string;
  wrapKey(dataKey: Buffer, context: WrapContext): Promise<string>;
  unwrapKey(wrapped: string, context: WrapContext & { kekId: string }): Promise<Buffer>;
}

const WRAP_PREFIX = "lw1.";

/** The KEK is MASTER_KEY (32 random bytes) from the environment; wrapping is AES-256-GCM. */
export class LocalKmsProvider implements KmsProvider {
  readonly kekId: string;
  readonly #wrappingKey;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`MASTER_KEY must be ${KEY_BYTES} bytes`);
    this.#wrappingKey = deriveKey(masterKey, "chargekeep/kek/wrap");
    // A fingerprint, not the key: HKDF output under another label reveals nothing about the wrapping key.
    this.kekId = `local:${deriveKey(masterKey, "chargekeep/kek/id").export().subarray(0, 8).toString("hex")}`;
  }

  async wrapKey(dataKey: Buffer, context: WrapContext): Promise<string> {
    return WRAP_PREFIX + sealBytes(this.#wrappingKey, dataKey, this.#aad(context)).toString("base64url");
  }

  async unwrapKey(wrapped: string, context: WrapContext & { kekId: string }): Promise<Buffer> {
    if (context.kekId !== this.kekId) {
      throw new Error(
        `Keyring key ${context.keyId} was wrapped by master key ${context.kekId}, but MASTER_KEY is ${this.kekId}: ` +
          `this is not the MASTER_KEY this database was set up with.`,
      );
    }
    const payload = wrapped.startsWith(WRAP_PREFIX) ? Buffer.from(wrapped.slice(WRAP_PREFIX.length), "base64url") : Buffer.alloc(0);
    const key = openBytes(this.#wrappingKey, payload, this.#aad(context));
    if (!key || key.length !== KEY_BYTES) throw new Error(`Keyring key ${context.keyId} does not unwrap: it was altered or moved to another row.`);
    return key;
  }

  #aad(context: WrapContext): Buffer {
    return Buffer.from(`${WRAP_PREFIX}|${this.kekId}|${context.purpose}|${context.keyId}`, "utf8");
  }
}

/** Strict base64 of exactly 32 bytes (what `openssl rand -base64 32` prints). */
export function decodeMasterKey(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return null;
  const key = Buffer.from(value, "base64");
  return key.length === KEY_BYTES ? key : null;
}

export function kmsFromEnv(config: Env = env()): KmsProvider {
  const key = config.MASTER_KEY ? decodeMasterKey(config.MASTER_KEY) : null;
  if (!key) {
    // Production never gets here: lib/env refuses to start without MASTER_KEY.
    throw new Error(
      "MASTER_KEY is not set. `npm run dev` writes one into .env.local on first run; elsewhere set it in the environment " +
        "(generate with `openssl rand -base64 32`).",
    );
  }
  return new LocalKmsProvider(key);
}

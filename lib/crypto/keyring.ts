import "server-only";
import { createSecretKey, type KeyObject } from "node:crypto";
import { inspect } from "node:util";
import type { KeyPurpose, KeyStatus } from "@/db/schema/keyring";
import { deriveKey, hmacSha256, KEY_BYTES, openBytes, sealBytes } from "./aead";
import { DecryptionError } from "./errors";
import type { KmsProvider } from "./kms";
import { headerFor, parseStoredValue } from "./format";
import { swapInstalledCipher, type AuditMacUse, type ValueCipher, type ValueContext } from "./slot";

export type UnwrappedKey = { id: number; purpose: KeyPurpose; status: KeyStatus; activatesAt: Date; material: Buffer };
export type KeySummary = { id: number; purpose: KeyPurpose; status: KeyStatus; activatesAt: Date };

type LoadedKey = { id: number; status: KeyStatus; activatesAt: number; material: KeyObject };
const AUDIT_MAC_LABEL = "chargekeep/audit-mac/v1";
type ColumnKey = { key: KeyObject; header: string; aad: string; aadBytes: Buffer };

/**
 * The unwrapped keys of one database, in memory. Drizzle's column types are synchronous, so keys
 * are unwrapped once (at start-up, and when the keyring changes) and used from here.
 * Key material sits in private fields: console.log, JSON and errors never show it.
 */
export class Keyring implements ValueCipher {
  /** Holds the key-encryption key; needed again only to unwrap keys added later. */
  readonly kms: KmsProvider;
  /** Called when a value names a key this process has not loaded (another server rotated): refresh soon. */
  onUnknownKey?: (keyId: number) => void;
  #dataKeys = new Map<number, LoadedKey>();
  #blindIndexKey: LoadedKey | null = null;
  #columnKeys = new Map<string, ColumnKey>();
  #blindIndexKeys = new Map<string, KeyObject>();
  #auditKeys = new Map<number, LoadedKey>();
  #auditSubkeys = new Map<string, KeyObject>();
  #encryptionKeyId: number | null = null;
  #reselectAt = Number.POSITIVE_INFINITY;
  #auditKeyId: number | null = null;
  #auditReselectAt = Number.POSITIVE_INFINITY;

  constructor(kms: KmsProvider) {
    this.kms = kms;
  }

  get kekId(): string {
    return this.kms.kekId;
  }

  has(id: number): boolean {
    return this.#dataKeys.has(id) || this.#auditKeys.has(id) || this.#blindIndexKey?.id === id;
  }

  /** Adds a key (the material is copied: the caller may wipe its buffer). */
  setKey(key: UnwrappedKey): void {
    if (key.material.length !== KEY_BYTES) throw new Error(`Key ${key.id} is not ${KEY_BYTES} bytes`);
    const loaded = { id: key.id, status: key.status, activatesAt: key.activatesAt.getTime(), material: createSecretKey(key.material) }; // copied into the KeyObject
    if (key.purpose === "blind_index") {
      this.#blindIndexKey = loaded;
      this.#blindIndexKeys.clear();
    } else if (key.purpose === "audit") {
      this.#auditKeys.set(key.id, loaded);
      this.#auditKeyId = null;
    } else {
      this.#dataKeys.set(key.id, loaded);
    }
    this.#encryptionKeyId = null;
  }

  /** A key already loaded changed status or activation time (its material never changes). */
  updateKey(id: number, status: KeyStatus, activatesAt: Date): void {
    const k = this.#dataKeys.get(id) ?? this.#auditKeys.get(id) ?? (this.#blindIndexKey?.id === id ? this.#blindIndexKey : undefined);
    if (!k) return;
    k.status = status;
    k.activatesAt = activatesAt.getTime();
    this.#encryptionKeyId = null;
    this.#auditKeyId = null;
  }

  keys(): KeySummary[] {
    const summary = (k: LoadedKey, purpose: KeyPurpose) => ({ id: k.id, purpose, status: k.status, activatesAt: new Date(k.activatesAt) });
    const data = [...this.#dataKeys.values()].map((k) => summary(k, "data"));
    const audit = [...this.#auditKeys.values()].map((k) => summary(k, "audit"));
    return this.#blindIndexKey ? [...data, summary(this.#blindIndexKey, "blind_index"), ...audit] : [...data, ...audit];
  }

  /**
   * New values use the newest active data key whose activation time has passed. A rotation on
   * Postgres sets that time a little ahead, so every server has loaded the key (and can read what it
   * protects) before any server writes with it.
   */
  encryptionKeyId(): number {
    const now = Date.now();
    if (this.#encryptionKeyId === null || now >= this.#reselectAt) {
      const chosen = selectNewest(this.#dataKeys, now);
      if (!chosen) throw new Error("The keyring has no active data key: run the app once (it creates one) or `npm run keys:rotate`.");
      [this.#encryptionKeyId, this.#reselectAt] = [chosen.id, chosen.reselectAt];
    }
    return this.#encryptionKeyId;
  }

  /**
   * The audit key that MACs new audit events and anchors: like data keys, the newest active one
   * whose activation time has passed (`npm run audit:rotate-key` sets that time a little ahead).
   */
  auditKeyId(): number {
    const now = Date.now();
    if (this.#auditKeyId === null || now >= this.#auditReselectAt) {
      const chosen = selectNewest(this.#auditKeys, now);
      if (!chosen) throw new Error("The keyring has no audit key: run the app once (it creates one) or `npm run audit:rotate-key`.");
      [this.#auditKeyId, this.#auditReselectAt] = [chosen.id, chosen.reselectAt];
    }
    return this.#auditKeyId;
  }

  hasAuditKey(id: number): boolean {
    return this.#auditKeys.has(id);
  }

  /**
   * A name for this database's audit log, the same for every copy of it (a backup restored keeps
   * it) and different for every other database: derived from its first audit key, which never
   * changes. Anchors of several databases can share a store without being mistaken for each other.
   */
  auditNamespace(): string {
    const first = Math.min(...this.#auditKeys.keys());
    if (!Number.isFinite(first)) throw new Error("The keyring has no audit key: run the app once (it creates one).");
    return this.auditMac(first, "namespace", "ck-audit-namespace-v1")!.slice(0, 16);
  }

  /**
   * HMAC-SHA256 (hex) of `message` under audit key `keyId`'s subkey for `use`; null when this
   * keyring does not hold that key (forged id, or a key added elsewhere: refresh is requested).
   */
  auditMac(keyId: number, use: AuditMacUse, message: string): string | null {
    const label = `${keyId}|${use}`;
    let key = this.#auditSubkeys.get(label);
    if (!key) {
      const root = this.#auditKeys.get(keyId);
      if (!root) {
        this.onUnknownKey?.(keyId);
        return null;
      }
      key = deriveKey(root.material, `${AUDIT_MAC_LABEL}|${use}`);
      this.#auditSubkeys.set(label, key);
    }
    return hmacSha256(key, message).toString("hex");
  }

  encrypt(plaintext: string, ctx: ValueContext): string {
    return this.encryptBytes(Buffer.from(plaintext, "utf8"), ctx);
  }

  decrypt(stored: string, ctx: ValueContext): string {
    return this.decryptBytes(stored, ctx).toString("utf8");
  }

  encryptBytes(plaintext: Buffer, ctx: ValueContext): string {
    const keyId = this.encryptionKeyId();
    const entry = this.#columnKey(keyId, ctx);
    const { key, header } = entry;
    return header + sealBytes(key, plaintext, aadFor(entry, ctx)).toString("base64url");
  }

  decryptBytes(stored: string, ctx: ValueContext): Buffer {
    const parsed = parseStoredValue(stored);
    if (!parsed) throw new DecryptionError(where(ctx), "format");
    if (!this.#dataKeys.has(parsed.keyId)) {
      this.onUnknownKey?.(parsed.keyId);
      throw new DecryptionError(where(ctx), "unknown_key", parsed.keyId);
    }
    const entry = this.#columnKey(parsed.keyId, ctx);
    const plaintext = openBytes(entry.key, parsed.payload, aadFor(entry, ctx));
    if (!plaintext) throw new DecryptionError(where(ctx), "authentication", parsed.keyId);
    return plaintext;
  }

  /** Which data key protects a stored value (no decryption). */
  keyIdOf(stored: string): number | null {
    return parseStoredValue(stored)?.keyId ?? null;
  }

  /**
   * Keyed HMAC-SHA256 for equality lookups on an encrypted value ("blind index"). Its key is a
   * separate keyring entry, and each column gets its own subkey, so equal values in two columns
   * give unrelated digests. The caller normalizes first (e.g. lower-cases an e-mail address).
   */
  blindIndex(value: string, ctx: Pick<ValueContext, "table" | "column">): string {
    if (!this.#blindIndexKey) throw new Error("The keyring has no blind-index key.");
    const label = `${ctx.table}|${ctx.column}`;
    let key = this.#blindIndexKeys.get(label);
    if (!key) {
      key = deriveKey(this.#blindIndexKey.material, `chargekeep/blind-index/v1|${label}`);
      this.#blindIndexKeys.set(label, key);
    }
    return hmacSha256(key, value).toString("base64url");
  }

  /**
   * Per-column subkey: HKDF(data key, table and column). A value copied into another column is
   * decrypted with a different key and fails. The AAD string (header, table, column) is cached too.
   */
  #columnKey(keyId: number, ctx: ValueContext): ColumnKey {
    const label = `${keyId}|${ctx.table}|${ctx.column}`;
    let entry = this.#columnKeys.get(label);
    if (!entry) {
      const dataKey = this.#dataKeys.get(keyId);
      if (!dataKey) throw new DecryptionError(where(ctx), "unknown_key", keyId);
      const header = headerFor(keyId);
      const aad = `${header}|${ctx.table}|${ctx.column}`;
      entry = {
        key: deriveKey(dataKey.material, `chargekeep/column/v1|${ctx.table}|${ctx.column}`),
        header,
        aad,
        aadBytes: Buffer.from(aad, "utf8"),
      };
      this.#columnKeys.set(label, entry);
    }
    return entry;
  }

  toJSON() {
    return { kekId: this.kekId, keys: this.keys() };
  }

  [inspect.custom]() {
    return `Keyring(${this.kekId}: ${this.keys().map((k) => `${k.id} ${k.purpose} ${k.status}`).join(", ")})`;
  }
}

/**
 * The newest active key whose activation time has passed, and when to look again (the next
 * pending activation). Only pending keys: this clock is behind the database's; take the earliest.
 */
function selectNewest(keys: Map<number, LoadedKey>, now: number): { id: number; reselectAt: number } | null {
  let best: LoadedKey | undefined;
  let earliestPending: LoadedKey | undefined;
  let reselectAt = Number.POSITIVE_INFINITY;
  for (const k of keys.values()) {
    if (k.status !== "active") continue;
    if (k.activatesAt <= now) {
      if (!best || k.activatesAt > best.activatesAt || (k.activatesAt === best.activatesAt && k.id > best.id)) best = k;
    } else {
      reselectAt = Math.min(reselectAt, k.activatesAt);
      if (!earliestPending || k.activatesAt < earliestPending.activatesAt) earliestPending = k;
    }
  }
  const chosen = best ?? earliestPending;
  return chosen ? { id: chosen.id, reselectAt } : null;
}

/** AAD = "ck1.<key id>.|table|column" and, for sealed secrets, "|row:<id>". Identifiers have no "|". */
function aadFor(entry: ColumnKey, ctx: ValueContext): Buffer {
  return ctx.rowId === undefined ? entry.aadBytes : Buffer.from(`${entry.aad}|row:${ctx.rowId}`, "utf8");
}

function where(ctx: ValueContext): string {
  return ctx.rowId === undefined ? `${ctx.table}.${ctx.column}` : `${ctx.table}.${ctx.column}#${ctx.rowId}`;
}

/** Makes this keyring the one the column types and helpers use; returns a function that undoes it. */
export function installKeyring(keyring: Keyring): () => void {
  const previous = swapInstalledCipher(keyring);
  return () => void swapInstalledCipher(previous);
}

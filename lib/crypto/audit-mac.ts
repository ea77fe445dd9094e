import "server-only";
import type { Database } from "@/db/client";
import type { Keyring } from "./keyring";
import { createKey, refreshKeyring } from "./keyring-store";
import { installedCipher, type AuditMacUse } from "./slot";
import { constantTimeEqual } from "./tokens";

export type { AuditMacUse } from "./slot";
export type AuditMacCheck = "ok" | "mismatch" | "unknown_key";

export class AuditKeyUnknownError extends Error {
  constructor(readonly keyId: number) {
    super(`Audit key ${keyId} is not in the loaded keyring (added by another server? it is being refreshed).`);
    this.name = "AuditKeyUnknownError";
  }
}

/** The audit key new audit events and anchors are MAC'd with (the installed keyring's). */
export function currentAuditKeyId(): number {
  return installedCipher().auditKeyId();
}

/** This database's audit namespace (see Keyring.auditNamespace): where its anchors live. */
export function auditNamespace(): string {
  return installedCipher().auditNamespace();
}

export function hasAuditKey(keyId: number): boolean {
  return installedCipher().hasAuditKey(keyId);
}

/** HMAC-SHA256 (hex) under audit key `keyId`'s subkey for `use`. Throws when that key is not loaded. */
export function auditMac(keyId: number, use: AuditMacUse, message: string): string {
  const mac = installedCipher().auditMac(keyId, use, message);
  if (mac === null) throw new AuditKeyUnknownError(keyId);
  return mac;
}

/** Constant-time check of a stored MAC; "unknown_key" when the id names no audit key we hold. */
export function checkAuditMac(keyId: number, use: AuditMacUse, message: string, mac: string): AuditMacCheck {
  const expected = installedCipher().auditMac(keyId, use, message);
  if (expected === null) return "unknown_key";
  return constantTimeEqual(expected, mac) ? "ok" : "mismatch";
}

/**
 * `npm run audit:rotate-key`: adds an audit key that new events and anchors use from `graceMs`
 * on (so every server has loaded it first; 0 on PGlite). Older audit keys are never retired or
 * deleted: each event and anchor names its key id, and verification needs that key for as long
 * as the event exists. Returns the new key's id and when it takes over.
 */
export async function rotateAuditKey(db: Database, keyring: Keyring, options: { graceMs: number }): Promise<{ keyId: number; previous: number | null; activatesAt: Date }> {
  await refreshKeyring(db, keyring);
  let previous: number | null = null;
  try {
    previous = keyring.auditKeyId();
  } catch {
    previous = null;
  }
  const activatesAt = new Date(Date.now() + options.graceMs);
  const keyId = await createKey(db, keyring.kms, "audit", activatesAt);
  await refreshKeyring(db, keyring);
  return { keyId, previous, activatesAt };
}

import "server-only";
import { auditMac, checkAuditMac, sha256Hex, type AuditMacCheck } from "@/lib/crypto";

/** prev_hash of the first event of a chain. */
export const GENESIS_HASH = "0".repeat(64);

/** The chain of the platform (events with no organization). */
export const PLATFORM_CHAIN = "platform";

export function chainOf(organizationId: string | null): string {
  return organizationId ?? PLATFORM_CHAIN;
}

export type AuditMetadata = Record<string, string | number | boolean | null>;

/** Everything the MAC (or v1 hash) covers: every column except prev_hash (chained in front), hash and the key id (in the v2 header). */
export type HashedFields = {
  id: string;
  chain: string;
  seq: number;
  createdAt: Date;
  organizationId: string | null;
  actorUserId: string | null;
  action: string;
  result: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: AuditMetadata;
};

/**
 * Canonical encoding: a JSON array in a fixed field order, absent values as explicit nulls, the
 * timestamp as ISO 8601 UTC with milliseconds, metadata as [key, value] pairs sorted by key (jsonb
 * does not keep key order). The same bytes come out of the stored row, whatever the driver, so
 * `verifyChains` can recompute every MAC. Version 1 (before migration 0010) starts "ck-audit-v1";
 * version 2 starts "ck-audit-v2" and the audit key id, so a MAC cannot be moved to another key id.
 */
export function canonicalEvent(e: HashedFields, keyId: number | null = null): string {
  const metadata = Object.keys(e.metadata)
    .sort()
    .map((k) => [k, e.metadata[k] ?? null]);
  return JSON.stringify([
    ...(keyId === null ? ["ck-audit-v1"] : ["ck-audit-v2", keyId]),
    e.id,
    e.chain,
    e.seq,
    e.createdAt.toISOString(),
    e.organizationId,
    e.actorUserId,
    e.action,
    e.result,
    e.targetType,
    e.targetId,
    e.ip,
    e.userAgent,
    e.requestId,
    metadata,
  ]);
}

/**
 * The legacy v1 chain value: SHA-256(prev_hash || canonical v1), hex. Unkeyed: anyone who can write
 * the table can recompute it, which is why new events are MAC'd and v1 is accepted only up to a
 * chain's signed legacy seal. Verification only; nothing writes v1 any more.
 */
export function eventHash(prevHash: string, e: HashedFields): string {
  return sha256Hex(prevHash + canonicalEvent(e));
}

/** The v2 chain value: HMAC-SHA256 under audit key `keyId` over prev_hash || canonical v2, hex. */
export function eventMac(keyId: number, prevHash: string, e: HashedFields): string {
  return auditMac(keyId, "event", prevHash + canonicalEvent(e, keyId));
}

export function checkEventMac(keyId: number, prevHash: string, e: HashedFields, mac: string): AuditMacCheck {
  return checkAuditMac(keyId, "event", prevHash + canonicalEvent(e, keyId), mac);
}

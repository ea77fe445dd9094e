import "server-only";
import { sha256Hex } from "@/lib/crypto";

/** prev_hash of the first event of a chain. */
export const GENESIS_HASH = "0".repeat(64);

/** The chain of the platform (events with no organization). */
export const PLATFORM_CHAIN = "platform";

export function chainOf(organizationId: string | null): string {
  return organizationId ?? PLATFORM_CHAIN;
}

export type AuditMetadata = Record<string, string | number | boolean | null>;

/** Everything the hash covers: every column except prev_hash (chained in front) and hash itself. */
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
 * Canonical encoding, version 1: a JSON array in a fixed field order, absent values as explicit
 * nulls, the timestamp as ISO 8601 UTC with milliseconds, metadata as [key, value] pairs sorted by
 * key (jsonb does not keep key order). The same bytes come out of the stored row, whatever the
 * driver, so `verifyChains` can recompute every hash.
 */
export function canonicalEvent(e: HashedFields): string {
  const metadata = Object.keys(e.metadata)
    .sort()
    .map((k) => [k, e.metadata[k] ?? null]);
  return JSON.stringify([
    "ck-audit-v1",
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

/** hash = SHA-256(prev_hash || canonical(event)), hex. */
export function eventHash(prevHash: string, e: HashedFields): string {
  return sha256Hex(prevHash + canonicalEvent(e));
}

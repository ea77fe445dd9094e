import "server-only";
import { blindIndex, constantTimeEqual } from "@/lib/crypto";

type CheckpointFields = { chain: string; upToSeq: number; hash: string; createdAt: Date };

/**
 * HMAC-SHA256 over the checkpoint, keyed by a subkey the keyring derives for this purpose (the
 * blind-index key, which data-key rotation never changes). Someone who can write to the database
 * but does not hold MASTER_KEY cannot forge a checkpoint to hide deleted events.
 */
export function checkpointMac(cp: CheckpointFields): string {
  const message = `ck-audit-checkpoint-v1|${cp.chain}|${cp.upToSeq}|${cp.hash}|${cp.createdAt.toISOString()}`;
  return blindIndex(message, { table: "audit_checkpoints", column: "mac" });
}

export function checkpointMacValid(cp: CheckpointFields & { mac: string }): boolean {
  return constantTimeEqual(checkpointMac(cp), cp.mac);
}

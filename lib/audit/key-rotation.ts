import "server-only";
import type { Database } from "@/db";
import { recordAudit } from "./record";

type RotationOutcome = { targetKeyId: number; created: boolean; rewritten: number; complete: boolean; retired: number[]; remaining: number };

/**
 * `npm run keys:rotate` is an operator's act on the whole platform: recorded on the platform chain
 * with what changed (key ids and counts only: no key material).
 */
export async function recordKeyRotation(db: Database, result: RotationOutcome): Promise<void> {
  await recordAudit(db, {
    organizationId: null,
    actorUserId: null,
    action: "keys.rotated",
    result: result.complete ? "success" : "failure",
    targetType: "data_key",
    targetId: String(result.targetKeyId),
    userAgent: "keys:rotate",
    metadata: { created: result.created, rewritten: result.rewritten, remaining: result.remaining, retired: result.retired.join(",") },
  });
}

/** `npm run audit:rotate-key`: the new audit key's id and when it takes over (ids only: no key material). */
export async function recordAuditKeyRotation(db: Database, result: { keyId: number; previous: number | null; activatesAt: Date }): Promise<void> {
  await recordAudit(db, {
    organizationId: null,
    actorUserId: null,
    action: "audit.key_rotated",
    result: "success",
    targetType: "audit_key",
    targetId: String(result.keyId),
    userAgent: "audit:rotate-key",
    metadata: { previous: result.previous, activatesAt: result.activatesAt.toISOString() },
  });
}

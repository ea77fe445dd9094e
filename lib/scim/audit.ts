import "server-only";
import type { Database } from "@/db";
import { recordAudit, type AuditAction, type AuditMetadata, type AuditResult } from "@/lib/audit";
import type { RequestMeta } from "@/lib/http";

/** Who did it: a SCIM request carries no person, only the organization's token (by its id and name). */
export type ScimActor = { tokenId: string; tokenName: string; organizationId: string };

/**
 * Every provisioning change is recorded in the organization's chain with the directory as actor:
 * no user id, `actorKind: "scim"` and the token's name in the metadata (the audit log shows
 * "Directory (SCIM: <name>)"), and why in `reason`.
 */
export async function recordScimEvent(
  db: Database,
  actor: ScimActor,
  meta: RequestMeta | null,
  event: { action: AuditAction; result?: AuditResult; targetType?: string; targetId?: string; reason: string; metadata?: AuditMetadata },
): Promise<void> {
  await recordAudit(db, {
    organizationId: actor.organizationId,
    actorUserId: null,
    action: event.action,
    result: event.result ?? "success",
    targetType: event.targetType,
    targetId: event.targetId,
    ip: meta?.ip ?? null,
    userAgent: meta?.userAgent ?? null,
    requestId: meta?.requestId ?? null,
    metadata: { actorKind: "scim", scimClient: actor.tokenName, scimClientId: actor.tokenId, reason: event.reason, ...event.metadata },
  });
}

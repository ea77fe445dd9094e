import "server-only";
import type { Database } from "@/db";
import { auditRequestFields, currentAuditMeta, recordAudit, type AuditAction, type AuditMetadata } from "@/lib/audit";
import type { RequestMeta } from "@/lib/http";

/**
 * An account event (sign-in, sign-out, password reset…) in the audit log. The organization is the
 * session's where there is one; account-level events without a session (a reset link, a
 * verification link) go to the platform chain and show on the user's own activity page.
 */
export async function recordAccountEvent(
  db: Database,
  event: { action: AuditAction; userId: string | null; organizationId: string | null; result?: "success" | "failure" | "denied"; metadata?: AuditMetadata; targetId?: string },
  meta?: RequestMeta | null,
): Promise<void> {
  await recordAudit(db, {
    organizationId: event.organizationId,
    actorUserId: event.userId,
    action: event.action,
    result: event.result ?? "success",
    targetType: event.targetId ? "session" : event.userId ? "user" : undefined,
    targetId: event.targetId ?? event.userId ?? undefined,
    ...auditRequestFields(meta ?? (await currentAuditMeta())),
    ...(event.metadata ? { metadata: event.metadata } : {}),
  });
}

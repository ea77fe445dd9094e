import "server-only";
import type { Database } from "@/db";
import { auditRequestFields, recordAudit, type AuditAction, type AuditMetadata, type AuditResult } from "@/lib/audit";
import type { RequestMeta } from "@/lib/http";
import { activeOrganizationIds } from "@/lib/rbac";

/**
 * One rule for account-level defense events (lock, suspension, unlock): the account belongs to no
 * single tenant, so the event goes to the platform chain (operators) AND to the chain of every
 * organization the user is an active member of (so each organization's admins see it and its
 * alert rules fire). The same metadata goes everywhere.
 */
export async function recordDefenseEvent(
  db: Database,
  input: {
    userId: string;
    action: Extract<AuditAction, `defense.${string}`>;
    actorUserId: string | null;
    result?: AuditResult;
    meta: RequestMeta | null;
    metadata?: AuditMetadata;
  },
): Promise<void> {
  const orgs = await activeOrganizationIds(db, input.userId);
  for (const organizationId of [null, ...orgs]) {
    await recordAudit(db, {
      organizationId,
      actorUserId: input.actorUserId,
      action: input.action,
      result: input.result ?? "success",
      targetType: "user",
      targetId: input.userId,
      ...auditRequestFields(input.meta),
      metadata: input.metadata,
    });
  }
}

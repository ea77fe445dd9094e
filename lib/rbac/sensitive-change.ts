import "server-only";
import type { Database } from "@/db";
import { requireRecentMfa, type SessionContext } from "@/lib/credentials";
import { auditRequestFields, currentAuditMeta, recordAudit } from "@/lib/audit";

export type RbacEvent =
  | { action: "member.role_changed"; targetUserId: string; roleId: string }
  | { action: "member.suspended" | "member.reactivated" | "member.removed" | "member.sessions_revoked" | "member.password_reset_forced"; targetUserId: string }
  | { action: "role.created" | "role.updated" | "role.deleted"; roleId: string }
  | { action: "group.created" | "group.updated" | "group.deleted"; groupId: string }
  | { action: "invitation.created" | "invitation.revoked" | "invitation.accepted"; invitationId: string };

/** Step-up: every sensitive RBAC change calls this first; it wants a second factor from the last few minutes. */
export async function requireStepUpForSensitiveChange(ctx: SessionContext): Promise<void> {
  requireRecentMfa(ctx);
}

/** Audit hook: every RBAC change calls this inside its transaction (the event commits with the change). */
export async function recordRbacEvent(db: Database, ctx: SessionContext, event: RbacEvent): Promise<void> {
  const { action, ...ids } = event;
  const target =
    "targetUserId" in event
      ? { targetType: "user", targetId: event.targetUserId }
      : "roleId" in event
        ? { targetType: "role", targetId: event.roleId }
        : "groupId" in event
          ? { targetType: "group", targetId: event.groupId }
          : { targetType: "invitation", targetId: event.invitationId };
  await recordAudit(db, {
    organizationId: ctx.organization.id,
    actorUserId: ctx.user.id,
    action,
    result: "success",
    ...target,
    ...auditRequestFields(await currentAuditMeta()),
    metadata: ids,
  });
}

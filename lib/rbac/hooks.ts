import "server-only";
import type { Database } from "@/db";
import type { SessionContext } from "@/lib/auth/session";
import { requireRecentMfa } from "@/lib/mfa/step-up";

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

/**
 * Audit hook: every RBAC change calls this inside its transaction. The audit issue makes it write
 * the tamper-evident log; until then the change itself is the only record.
 */
export async function recordRbacEvent(_db: Database, _ctx: SessionContext, _event: RbacEvent): Promise<void> {}

import "server-only";
import type { Database } from "@/db";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import { recordAuthFailure } from "@/lib/defense";
import type { RequestMeta } from "@/lib/http";

export type MfaMethod = "totp" | "webauthn" | "passkey" | "recovery_code";

export type MfaEvent =
  | { action: "mfa.totp_enrolled" | "mfa.totp_removed" | "mfa.recovery_codes_generated" }
  | { action: "mfa.webauthn_registered" | "mfa.webauthn_removed"; credentialId: string; discoverable: boolean }
  | { action: "mfa.verified" | "mfa.failed"; method: MfaMethod; purpose: "sign_in" | "step_up" | "enrol" }
  | { action: "mfa.recovery_code_used"; remaining: number }
  | { action: "mfa.policy_changed"; policy: string; graceDays: number }
  | { action: "mfa.reset_by_operator"; totp: number; keys: number; recoveryCodes: number };

export type MfaEventContext = { userId: string; organizationId: string | null; meta: RequestMeta };

/**
 * Audit hook: every enrolment, removal, use, failure and recovery-code use calls this, inside the
 * change's transaction where there is one, so the event commits or rolls back with the change.
 * No codes, secrets or assertions go in events: only what happened and how.
 */
export async function recordMfaEvent(db: Database, ctx: MfaEventContext, event: MfaEvent): Promise<void> {
  const { action, ...details } = event;
  await recordAudit(db, {
    organizationId: ctx.organizationId,
    actorUserId: action === "mfa.reset_by_operator" ? null : ctx.userId,
    action,
    result: action === "mfa.failed" ? "failure" : "success",
    targetType: "user",
    targetId: ctx.userId,
    ...auditRequestFields(ctx.meta),
    metadata: details,
  });
}

/**
 * Brute-force hook: every failed second factor (wrong code, failed assertion, wrong recovery
 * code) counts towards the account's lock-out and suspension and the address's block (lib/defense).
 */
export async function countMfaFailure(db: Database, ctx: MfaEventContext, method: MfaMethod): Promise<void> {
  const kind = method === "passkey" ? "webauthn" : method;
  await recordAuthFailure(db, { userId: ctx.userId, kind, meta: ctx.meta });
}

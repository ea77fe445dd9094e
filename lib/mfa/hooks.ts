import "server-only";
import type { Database } from "@/db";
import type { RequestMeta } from "@/lib/http/request-meta";

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
 * change's transaction where there is one. The audit issue makes it write the tamper-evident log;
 * until then it records nothing. No codes, secrets or assertions go in events.
 */
export async function recordMfaEvent(_db: Database, _ctx: MfaEventContext, _event: MfaEvent): Promise<void> {}

/**
 * Brute-force hook: every failed second factor (wrong code, failed assertion, wrong recovery
 * code) calls this. The edge-defense issue makes it count towards lock-out and suspension;
 * until then the rate limits on the verification endpoints are the defense.
 */
export async function countMfaFailure(_db: Database, _ctx: MfaEventContext, _method: MfaMethod): Promise<void> {}

import "server-only";
import type { SessionContext } from "./context";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { stepUpRequired } from "@/lib/errors";

export function stepUpWindowMs(): number {
  return env().MFA_STEP_UP_MINUTES * 60_000;
}

/** True when the session passed a second factor within the step-up window. */
export function hasRecentMfa(ctx: SessionContext): boolean {
  const at = ctx.mfa.verifiedAt;
  return Boolean(at && now().getTime() - at.getTime() <= stepUpWindowMs());
}

/**
 * The guard for sensitive actions (role changes, bank connections, exports, key rotation,
 * disabling MFA, deleting a credential): a second factor from the last few minutes, or a typed
 * 403 that the UI turns into "verify now" (or "set up MFA first" for users without a factor).
 */
export function requireRecentMfa(ctx: SessionContext): void {
  if (hasRecentMfa(ctx)) return;
  throw stepUpRequired(ctx.mfa.enrolled);
}

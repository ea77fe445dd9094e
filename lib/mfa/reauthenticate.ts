import "server-only";
import type { Database } from "@/db";
import { confirmCurrentPassword, type SessionContext } from "@/lib/auth";
import { badRequest } from "@/lib/errors";
import { requireRecentMfa } from "@/lib/credentials";
import type { RequestMeta } from "@/lib/http";

export const ENTER_PASSWORD_TO_CONFIRM = "Enter your password to confirm it is you.";

/**
 * "Authenticated again with at least one factor" (ASVS V7.5.2, ending sessions): a user with a
 * second factor needs it from the step-up window, the same rule as every sensitive action; a
 * password-only user types their password, checked and counted like a sign-in. A stolen session
 * alone therefore cannot throw its owner out.
 */
export async function requireReauthentication(db: Database, ctx: SessionContext, input: { password?: string; meta: RequestMeta }): Promise<void> {
  if (ctx.mfa.enrolled) return requireRecentMfa(ctx);
  if (!input.password) throw badRequest(ENTER_PASSWORD_TO_CONFIRM, { password: ENTER_PASSWORD_TO_CONFIRM });
  await confirmCurrentPassword(db, ctx, { password: input.password, meta: input.meta, field: "password", purpose: "reauthenticate" });
}

import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { verifyPassword, type SessionContext } from "@/lib/credentials";
import { sha256Hex } from "@/lib/crypto";
import { accountStatus, lockedMessage, recordAuthFailure, SUSPENDED_MESSAGE } from "@/lib/defense";
import { AppError, badRequest } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import { recordAccountEvent } from "./audit";

export const WRONG_CURRENT_PASSWORD = "That is not your current password.";

/**
 * A signed-in person proves their password again (change password, re-authentication before
 * ending sessions). It is a sign-in attempt in all but name: the same throttles (per address and per
 * account, fail closed, shared with the sign-in form so a stolen session gets no extra guesses),
 * the same lock and suspension (a suspension ends every session, this one too), and every wrong
 * password counts towards them and is audited. `field` names the form field the error belongs to.
 */
export async function confirmCurrentPassword(
  db: Database,
  ctx: SessionContext,
  input: { password: string; meta: RequestMeta; field: string; purpose: "change_password" | "reauthenticate" },
): Promise<void> {
  await enforce("sign-in-ip", input.meta.ip ?? "unknown");
  await enforce("sign-in-account", sha256Hex(ctx.user.email.toLowerCase()));
  const status = await accountStatus(db, ctx.user.id);
  if (status.state === "suspended") throw new AppError("account_suspended", 423, SUSPENDED_MESSAGE);
  if (status.state === "locked") throw new AppError("account_locked", 423, lockedMessage(status.minutesLeft));

  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, ctx.user.id));
  if (user?.passwordHash && (await verifyPassword(user.passwordHash, input.password))) return;

  await recordAuthFailure(db, { userId: ctx.user.id, kind: "password", meta: input.meta });
  await recordAccountEvent(
    db,
    { action: "auth.sign_in_failed", userId: ctx.user.id, organizationId: ctx.organization.id, result: "failure", metadata: { reason: "wrong_password", during: input.purpose } },
    input.meta,
  );
  throw badRequest(WRONG_CURRENT_PASSWORD, { [input.field]: WRONG_CURRENT_PASSWORD });
}

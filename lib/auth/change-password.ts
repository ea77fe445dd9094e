import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { badRequest } from "@/lib/errors";
import { hashPassword, passwordProblem, revokeOtherSessions, verifyPassword, type SessionContext } from "@/lib/credentials";
import type { RequestMeta } from "@/lib/http";
import { passwordChangedMail, sendMail } from "@/lib/mail";
import { recordAccountEvent } from "./audit";
import { confirmCurrentPassword } from "./current-password";

export const SAME_PASSWORD = "Choose a password different from your current one.";

/**
 * A signed-in user changes their password (ASVS V6.2.2, V6.2.3): the current one first, counted
 * like a sign-in (./current-password.ts), then the sign-up rules for the new one. The hash, the end
 * of every other session and the audit event commit together; this browser stays signed in.
 * Callers ask for a fresh second factor first when the user has one (the product's step-up rule).
 */
export async function changePassword(
  db: Database,
  ctx: SessionContext,
  input: { currentPassword: string; newPassword: string; meta: RequestMeta },
): Promise<{ sessionsEnded: number }> {
  await confirmCurrentPassword(db, ctx, { password: input.currentPassword, meta: input.meta, field: "currentPassword", purpose: "change_password" });
  const problem = passwordProblem(input.newPassword, { email: ctx.user.email, name: ctx.user.name });
  if (problem) throw badRequest(problem, { newPassword: problem });
  const newHash = await hashPassword(input.newPassword);
  const sessionsEnded = await db.transaction(async (tx) => {
    const [user] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, ctx.user.id));
    if (user?.passwordHash && (await verifyPassword(user.passwordHash, input.newPassword))) throw badRequest(SAME_PASSWORD, { newPassword: SAME_PASSWORD });
    await tx.update(users).set({ passwordHash: newHash }).where(eq(users.id, ctx.user.id));
    const ended = await revokeOtherSessions(tx, ctx.user.id, ctx.session.id);
    await recordAccountEvent(tx, { action: "auth.password_changed", userId: ctx.user.id, organizationId: ctx.organization.id, metadata: { sessionsEnded: ended } }, input.meta);
    return ended;
  });
  await sendMail(passwordChangedMail(ctx.user.email, { otherDevicesOnly: true }));
  return { sessionsEnded };
}

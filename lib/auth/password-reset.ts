import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { now } from "@/lib/clock";
import { badRequest } from "@/lib/errors";
import { passwordChangedMail, passwordResetMail, sendMail } from "@/lib/mail";
import { consumeAuthToken, hashPassword, issueAuthToken, passwordProblem, revokeAllSessions, TOKEN_MINUTES } from "@/lib/credentials";
import { recordAccountEvent } from "./audit";

/** Always the same answer; only an existing account gets a mail. */
export async function requestPasswordReset(db: Database, email: string): Promise<void> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) return;
  const token = await issueAuthToken(db, user.id, "reset_password");
  await recordAccountEvent(db, { action: "auth.password_reset_requested", userId: user.id, organizationId: null });
  await sendMail(passwordResetMail(email, token, TOKEN_MINUTES.reset_password));
}

export const INVALID_RESET_LINK = "This reset link is invalid, was already used or has expired. Ask for a new one.";

/**
 * Spends the link, sets the new password and revokes every session of the account, in one
 * transaction: a bad password leaves the link usable, a used link changes nothing.
 * Following the link proves the mailbox, so the address counts as verified too.
 */
export async function resetPassword(db: Database, token: string, password: string): Promise<void> {
  const email = await db.transaction(async (tx) => {
    const userId = await consumeAuthToken(tx, token, "reset_password");
    if (!userId) throw badRequest(INVALID_RESET_LINK);
    const [user] = await tx.select({ email: users.email, name: users.name, verified: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
    if (!user) throw badRequest(INVALID_RESET_LINK);
    const problem = passwordProblem(password, { email: user.email, name: user.name });
    if (problem) throw badRequest(problem, { password: problem }); // rolls back: the link stays usable
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password), emailVerifiedAt: user.verified ?? now() })
      .where(eq(users.id, userId));
    const ended = await revokeAllSessions(tx, userId);
    await recordAccountEvent(tx, { action: "auth.password_reset", userId, organizationId: null, metadata: { sessionsEnded: ended } });
    return user.email;
  });
  await sendMail(passwordChangedMail(email));
}

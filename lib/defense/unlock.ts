import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { accountDefense, users } from "@/db/schema";
import { consumeAuthToken, hashPassword, passwordProblem, revokeAllSessions } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { badRequest } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { passwordChangedMail, sendMail } from "@/lib/mail";
import { consume } from "@/lib/ratelimit";
import { recordDefenseEvent } from "./audit";
import { INVALID_UNLOCK_LINK } from "./messages";
import { accountStatus } from "./status";
import { sendUnlockMail, UNLOCK_TOKEN_PURPOSE } from "./unlock-mail";

/** Clears lock and suspension; failures before now stop counting towards the next suspension. Returns what was cleared. */
export async function clearAccountDefense(db: Database, userId: string): Promise<{ wasLocked: boolean; wasSuspended: boolean }> {
  const t = now();
  const [before] = await db
    .select({ lockedUntil: accountDefense.lockedUntil, suspendedAt: accountDefense.suspendedAt })
    .from(accountDefense)
    .where(eq(accountDefense.userId, userId))
    .for("update");
  await db
    .insert(accountDefense)
    .values({ userId, unlockedAt: t })
    .onConflictDoUpdate({
      target: accountDefense.userId,
      set: { consecutiveFailures: 0, lockLevel: 0, lockedUntil: null, suspendedAt: null, unlockedAt: t },
    });
  return { wasLocked: Boolean(before?.lockedUntil && before.lockedUntil > t), wasSuspended: Boolean(before?.suspendedAt) };
}

/**
 * The e-mailed unlock link: spends the token, sets the new password, clears lock and suspension and
 * ends every session, in one transaction (a rejected password leaves the link usable, a used link
 * changes nothing). Opening the link proves the mailbox, so the address counts as verified too.
 * Returns whose account it was, for signInAfterUnlock (lib/auth/sign-in.ts).
 */
export async function unlockWithToken(db: Database, input: { token: string; password: string; meta: RequestMeta }): Promise<{ userId: string }> {
  const { email, userId } = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database;
    const userId = await consumeAuthToken(tx, input.token, UNLOCK_TOKEN_PURPOSE);
    if (!userId) throw badRequest(INVALID_UNLOCK_LINK);
    const [user] = await tx.select({ email: users.email, name: users.name, verified: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
    if (!user) throw badRequest(INVALID_UNLOCK_LINK);
    const problem = passwordProblem(input.password, { email: user.email, name: user.name });
    if (problem) throw badRequest(problem, { password: problem });
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(input.password), emailVerifiedAt: user.verified ?? now() })
      .where(eq(users.id, userId));
    const cleared = await clearAccountDefense(tx, userId);
    const revoked = await revokeAllSessions(tx, userId);
    await recordDefenseEvent(tx, {
      userId,
      action: "defense.account_unlocked",
      actorUserId: userId,
      meta: input.meta,
      metadata: { via: "email_link", wasLocked: cleared.wasLocked, wasSuspended: cleared.wasSuspended, sessionsEnded: revoked },
    });
    return { email: user.email, userId };
  });
  await sendMail(passwordChangedMail(email));
  return { userId };
}

/**
 * "Send me a new unlock link": the same answer for every address; only a locked or suspended
 * account gets a mail, at most a few an hour.
 */
export async function requestUnlockLink(db: Database, email: string): Promise<void> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) return;
  if ((await accountStatus(db, user.id)).state === "ok") return;
  const limit = await consume("recovery-email-user", user.id);
  if (!limit.success) return; // silently: an error would say the address has an account
  await sendUnlockMail(db, user.id);
}

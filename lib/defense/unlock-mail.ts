import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { issueAuthToken, TOKEN_MINUTES } from "@/lib/credentials";
import { sendMail } from "@/lib/mail";
import { unlockAccountMail } from "@/lib/mail";

/**
 * The unlock link is a single-use, hashed, expiring token from lib/credentials. It uses the
 * password-reset purpose because unlocking IS a password reset (proving the mailbox and choosing a
 * new password); a dedicated "unlock_account" purpose with a longer lifetime needs a line in
 * db/schema/identity.ts (AUTH_TOKEN_PURPOSES) and TOKEN_MINUTES, then only this constant changes.
 */
export const UNLOCK_TOKEN_PURPOSE = "unlock_account" as const;

/** Issues a fresh unlock link (earlier ones stop working) and mails it. Mail failures are logged, never thrown. */
export async function sendUnlockMail(db: Database, userId: string): Promise<void> {
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  if (!user) return;
  const token = await issueAuthToken(db, userId, UNLOCK_TOKEN_PURPOSE);
  try {
    await sendMail(unlockAccountMail(user.email, token, TOKEN_MINUTES[UNLOCK_TOKEN_PURPOSE]));
  } catch (e) {
    console.error(`[defense] could not send the unlock mail: ${e instanceof Error ? e.message : String(e)}`);
  }
}

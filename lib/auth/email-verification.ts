import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { now } from "@/lib/clock";
import { sendMail, verifyEmailMail } from "@/lib/mail";
import { recordAccountEvent } from "./audit";
import { consumeAuthToken, issueAuthToken, TOKEN_MINUTES } from "@/lib/credentials";

export async function verifyEmail(db: Database, token: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const userId = await consumeAuthToken(tx, token, "verify_email");
    if (!userId) return false;
    await tx.update(users).set({ emailVerifiedAt: now() }).where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
    await recordAccountEvent(tx, { action: "auth.email_verified", userId, organizationId: null });
    return true;
  });
}

/** Sent again only after the password was proven at sign-in, so it reveals nothing new. */
export async function resendVerification(db: Database, userId: string, email: string): Promise<void> {
  const token = await issueAuthToken(db, userId, "verify_email");
  await sendMail(verifyEmailMail(email, token, TOKEN_MINUTES.verify_email));
}

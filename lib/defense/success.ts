import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { accountDefense } from "@/db/schema";

/**
 * A completed sign-in (full session issued): the consecutive-failure count and the lock level
 * start again. Failures of the last 24 hours still count towards suspension (only an unlock clears
 * that window), so an owner signing in now and then does not shield a slow guesser.
 */
export async function recordSignInSuccess(db: Database, userId: string): Promise<void> {
  await db.update(accountDefense).set({ consecutiveFailures: 0, lockLevel: 0, lockedUntil: null }).where(eq(accountDefense.userId, userId));
}

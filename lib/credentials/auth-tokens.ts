import "server-only";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { authTokens, type AuthTokenPurpose } from "@/db/schema";
import { now } from "@/lib/clock";
import { randomToken, sha256Hex } from "@/lib/crypto";

export const TOKEN_MINUTES: Record<AuthTokenPurpose, number> = { verify_email: 24 * 60, reset_password: 30, unlock_account: 24 * 60 };

/** Issues a link token; earlier unused tokens of the same purpose stop working. */
export async function issueAuthToken(db: Database, userId: string, purpose: AuthTokenPurpose): Promise<string> {
  const token = randomToken();
  const t = now();
  await db
    .update(authTokens)
    .set({ usedAt: t })
    .where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt)));
  await db.insert(authTokens).values({
    userId,
    purpose,
    tokenHash: sha256Hex(token),
    expiresAt: new Date(t.getTime() + TOKEN_MINUTES[purpose] * 60_000),
  });
  return token;
}

/** Spends a token atomically: a second use, an expired token or one for another purpose gives null. */
export async function consumeAuthToken(db: Database, token: string, purpose: AuthTokenPurpose): Promise<string | null> {
  if (!token || token.length > 100) return null;
  const t = now();
  const [row] = await db
    .update(authTokens)
    .set({ usedAt: t })
    .where(
      and(
        eq(authTokens.tokenHash, sha256Hex(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, t),
      ),
    )
    .returning({ userId: authTokens.userId });
  return row?.userId ?? null;
}

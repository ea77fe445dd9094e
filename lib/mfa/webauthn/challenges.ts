import "server-only";
import { and, eq, lt, or } from "drizzle-orm";
import type { Database } from "@/db";
import { webauthnChallenges, type WebauthnCeremony } from "@/db/schema";
import { now } from "@/lib/clock";
import { sha256Hex } from "@/lib/crypto";

/** A ceremony must finish within this time (ASVS V6.6.2-style binding, lifetime well under 10 minutes). */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** A challenge belongs to the session that asked for it... */
export const sessionBinding = (sessionId: string) => `s:${sessionId}`;
/** ...or, for passwordless sign-in (no session yet), to a random cookie of that browser. */
export const cookieBinding = (cookieToken: string) => `c:${sha256Hex(cookieToken)}`;

type Issue = { binding: string; ceremony: WebauthnCeremony; userId: string | null; challenge: string };

/**
 * Stores a fresh challenge. One outstanding challenge per binding and ceremony: asking again
 * replaces the previous one. Expired rows of anyone are swept on the way (the table stays small).
 */
export async function issueChallenge(db: Database, input: Issue): Promise<void> {
  const t = now();
  await db
    .delete(webauthnChallenges)
    .where(
      or(
        lt(webauthnChallenges.expiresAt, t),
        and(eq(webauthnChallenges.binding, input.binding), eq(webauthnChallenges.ceremony, input.ceremony)),
      ),
    );
  await db.insert(webauthnChallenges).values({ ...input, expiresAt: new Date(t.getTime() + CHALLENGE_TTL_MS), createdAt: t });
}

/**
 * Takes the outstanding challenge of this binding and ceremony, deleting it in the same statement
 * (two concurrent answers cannot both get it), whether or not the answer then verifies. Null when
 * there is none, it expired, or it was issued to another user.
 */
export async function consumeChallenge(
  db: Database,
  input: { binding: string; ceremony: WebauthnCeremony; userId?: string | null },
): Promise<string | null> {
  const rows = await db
    .delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.binding, input.binding), eq(webauthnChallenges.ceremony, input.ceremony)))
    .returning({ challenge: webauthnChallenges.challenge, expiresAt: webauthnChallenges.expiresAt, userId: webauthnChallenges.userId });
  const t = now().getTime();
  const live = rows.find((r) => r.expiresAt.getTime() > t && (input.userId === undefined || r.userId === input.userId));
  return live?.challenge ?? null;
}

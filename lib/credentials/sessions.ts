import "server-only";
import { and, desc, eq, lt, ne, or } from "drizzle-orm";
import type { Database } from "@/db";
import { sessions } from "@/db/schema";
import { now } from "@/lib/clock";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { env } from "@/lib/env";
import type { SessionStage } from "./context";

type Meta = { ip: string | null; userAgent: string | null };

/** A password-only session lives just long enough to type a code. */
export const MFA_PENDING_LIFETIME_MS = 10 * 60_000;

/** The idle timeout and the absolute lifetime, from the configuration. */
export function sessionLimits() {
  const e = env();
  return { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000 };
}

export async function createSession(
  db: Database,
  input: { userId: string; organizationId: string; stage?: SessionStage; mfaVerified?: boolean } & Meta,
): Promise<{ token: string; sessionId: string }> {
  const token = randomToken();
  const id = sha256Hex(token);
  const t = now();
  const pending = input.stage === "mfa_pending";
  await db.insert(sessions).values({
    id,
    userId: input.userId,
    organizationId: input.organizationId,
    createdAt: t,
    lastSeenAt: t,
    expiresAt: new Date(t.getTime() + (pending ? MFA_PENDING_LIFETIME_MS : sessionLimits().absoluteMs)),
    ip: input.ip,
    userAgent: input.userAgent,
    mfaPending: pending,
    mfaVerifiedAt: input.mfaVerified ? t : null,
  });
  return { token, sessionId: id };
}

/** New id for the same session (privilege or context change): the old token stops working. */
export async function rotateSession(
  db: Database,
  sessionId: string,
  changes: { organizationId?: string; mfaPending?: false; mfaVerifiedAt?: Date; expiresAt?: Date; lastSeenAt?: Date } = {},
) {
  const token = randomToken();
  const id = sha256Hex(token);
  const updated = await db
    .update(sessions)
    .set({ id, rotationPending: false, ...changes })
    .where(eq(sessions.id, sessionId))
    .returning({ id: sessions.id });
  if (updated.length !== 1) return null;
  return { token, sessionId: id };
}

/** Someone changed this user's privileges: each of their sessions gets a new id on its next request. */
export async function markSessionsForRotation(db: Database, userId: string): Promise<void> {
  await db.update(sessions).set({ rotationPending: true }).where(eq(sessions.userId, userId));
}

export async function revokeSession(db: Database, userId: string, sessionId: string): Promise<boolean> {
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Sign-in from a browser that still holds a session replaces it: the old token dies. */
export async function revokeSessionByToken(db: Database, token: string | undefined): Promise<void> {
  if (!token || token.length > 100) return;
  await db.delete(sessions).where(eq(sessions.id, sha256Hex(token)));
}

export async function revokeOtherSessions(db: Database, userId: string, keepSessionId: string): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    .returning({ id: sessions.id });
  return deleted.length;
}

export async function revokeAllSessions(db: Database, userId: string): Promise<number> {
  const deleted = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return deleted.length;
}

/** Drop a user's dead rows so the session list only shows live browsers. */
export async function pruneExpiredSessions(db: Database, userId: string): Promise<void> {
  const t = now();
  await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        or(lt(sessions.expiresAt, t), lt(sessions.lastSeenAt, new Date(t.getTime() - sessionLimits().idleMs))),
      ),
    );
}

export async function listSessions(db: Database, userId: string) {
  await pruneExpiredSessions(db, userId);
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.lastSeenAt));
}

import "server-only";
import { cookies } from "next/headers";
import { getDb } from "@/db";
import { unauthenticated } from "@/lib/errors";
import type { SessionContext } from "./context";
import { sessionCookieName, sessionCookieOptions } from "./cookie";
import { rotateSession } from "./sessions";

/**
 * Gives the request's session a new id (privileges changed). The caller delivers the token:
 * next/headers cookies in actions, a Set-Cookie header in route handlers.
 */
export async function rotateCurrentSession(ctx: SessionContext): Promise<{ ctx: SessionContext; token: string }> {
  const rotated = await rotateSession(getDb(), ctx.session.id);
  if (!rotated) throw unauthenticated();
  return { token: rotated.token, ctx: { ...ctx, session: { ...ctx.session, id: rotated.sessionId, rotationPending: false } } };
}

export async function setSessionCookie(token: string): Promise<void> {
  (await cookies()).set(sessionCookieName(), token, sessionCookieOptions());
}

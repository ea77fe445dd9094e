import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { unauthenticated } from "@/lib/errors";
import type { Permission } from "@/lib/rbac/permissions";
import { sessionCookieName, sessionCookieOptions } from "./cookie";
import { rotateSession, validateSessionToken, type SessionContext } from "./session";

/**
 * The one gate. Pages, server actions and route handlers all come through here; nothing else
 * reads the session cookie. Cached per request so a layout and its page share one lookup.
 */
const sessionForToken = cache(async (token: string | undefined): Promise<SessionContext | null> => {
  if (!token) return null;
  return validateSessionToken(getDb(), token);
});

/** Session of the current request (server components and server actions), or null. */
export async function getSession(): Promise<SessionContext | null> {
  const jar = await cookies();
  return sessionForToken(jar.get(sessionCookieName())?.value);
}

/**
 * Throws a typed 401 when there is no live session. For server actions, which may set cookies:
 * a session whose privileges changed elsewhere gets its new id here.
 */
export async function requireSession(): Promise<SessionContext> {
  const ctx = await getSession();
  if (!ctx) throw unauthenticated();
  if (!ctx.session.rotationPending) return ctx;
  const rotated = await rotateCurrentSession(ctx);
  await setSessionCookie(rotated.token);
  return rotated.ctx;
}

/**
 * Gives the request's session a new id (privileges changed). The caller delivers the token:
 * next/headers cookies in actions, a Set-Cookie header in route handlers.
 */
export async function rotateCurrentSession(ctx: SessionContext): Promise<{ ctx: SessionContext; token: string }> {
  const rotated = await rotateSession(getDb(), ctx.session.id);
  if (!rotated) throw unauthenticated();
  return { token: rotated.token, ctx: { ...ctx, session: { ...ctx.session, id: rotated.sessionId, rotationPending: false } } };
}

/**
 * For pages: an expired or revoked session is sent to sign-in instead of seeing an error. Pages
 * cannot set cookies, so a session due for a new id takes a detour through /session/refresh.
 */
export async function requirePageSession(): Promise<SessionContext> {
  const ctx = await getSession();
  if (!ctx) redirect("/sign-in?expired=1");
  if (ctx.session.rotationPending) {
    const here = (await headers()).get("x-pathname") ?? "/dashboard";
    redirect(`/session/refresh?next=${encodeURIComponent(here)}`);
  }
  return ctx;
}

/** For pages that need a permission: without it the page answers 403 (app/forbidden.tsx). */
export async function requirePagePermission(permission: Permission): Promise<SessionContext> {
  const ctx = await requirePageSession();
  if (!ctx.permissions.has(permission)) forbidden();
  return ctx;
}

/** For route handlers, which receive the request object. */
export async function requireSessionFromRequest(req: Request): Promise<SessionContext> {
  const token = sessionTokenFromRequest(req);
  const ctx = token ? await validateSessionToken(getDb(), token) : null;
  if (!ctx) throw unauthenticated();
  return ctx;
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The session token the current request carries, if any (sign-in uses it to replace the old session). */
export async function currentSessionToken(): Promise<string | undefined> {
  return (await cookies()).get(sessionCookieName())?.value;
}

export function sessionTokenFromRequest(req: Request): string | undefined {
  return readCookie(req.headers.get("cookie"), sessionCookieName());
}

export async function setSessionCookie(token: string): Promise<void> {
  (await cookies()).set(sessionCookieName(), token, sessionCookieOptions());
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).delete(sessionCookieName());
}

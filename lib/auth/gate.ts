import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { unauthenticated } from "@/lib/errors";
import { sessionCookieName, sessionCookieOptions } from "./cookie";
import { validateSessionToken, type SessionContext } from "./session";

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

/** Throws a typed 401 when there is no live session. */
export async function requireSession(): Promise<SessionContext> {
  const ctx = await getSession();
  if (!ctx) throw unauthenticated();
  return ctx;
}

/** For pages: an expired or revoked session is sent to sign-in instead of seeing an error. */
export async function requirePageSession(): Promise<SessionContext> {
  const ctx = await getSession();
  if (!ctx) redirect("/sign-in?expired=1");
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

import "server-only";
import { isHttps } from "@/lib/env";
import { cookieValue } from "@/lib/http";

/**
 * `__Host-` under HTTPS pins the cookie to this exact host, path=/ and Secure.
 * No Expires/Max-Age: the cookie dies with the browser session; server-side rows enforce
 * the idle timeout and the absolute lifetime.
 */
export function sessionCookieName(): string {
  return isHttps() ? "__Host-ck_session" : "ck_session";
}

export function sessionCookieOptions() {
  return { httpOnly: true, sameSite: "lax" as const, secure: isHttps(), path: "/" };
}

/** The Set-Cookie header for route handlers (server actions use next/headers with the same options). */
export function serializeSessionCookie(token: string): string {
  return `${sessionCookieName()}=${token}; Path=/; HttpOnly; SameSite=Lax${isHttps() ? "; Secure" : ""}`;
}

/** Clears it; a `__Host-` cookie is only replaced by one that is Secure too. */
export function serializeClearedSessionCookie(): string {
  return `${serializeSessionCookie("")}; Max-Age=0`;
}

/** Both names, so the proxy's presence check works whatever the scheme. */
export const SESSION_COOKIE_NAMES = ["__Host-ck_session", "ck_session"] as const;

/**
 * Password proven, second factor not yet: a different cookie, so the proxy can keep such a browser
 * on the MFA pages without a database lookup, and the gate never mistakes it for a session.
 */
export function mfaPendingCookieName(): string {
  return isHttps() ? "__Host-ck_mfa" : "ck_mfa";
}

export function serializeMfaPendingCookie(token: string): string {
  return `${mfaPendingCookieName()}=${token}; Path=/; HttpOnly; SameSite=Lax${isHttps() ? "; Secure" : ""}`;
}

export function serializeClearedMfaPendingCookie(): string {
  return `${serializeMfaPendingCookie("")}; Max-Age=0`;
}

export const MFA_PENDING_COOKIE_NAMES = ["__Host-ck_mfa", "ck_mfa"] as const;

/**
 * Where the session cookies are read: a raw request's headers (proxy.ts, route handlers: parsed by
 * lib/http's cookieValue), or next/headers' cookie store (pages and server actions: it also holds a
 * cookie an action set earlier in the same request, which the page re-rendered with the action's
 * answer must see: a rotated session id).
 */
export type CookieSource = Headers | { get(name: string): { value: string } | undefined };

/** The request's session and MFA-pending tokens: the one place that reads them. */
export function sessionTokensFrom(source: CookieSource): { session?: string; mfaPending?: string } {
  const read = source instanceof Headers ? (name: string) => cookieValue(source.get("cookie"), name) : (name: string) => source.get(name)?.value;
  return { session: read(sessionCookieName()), mfaPending: read(mfaPendingCookieName()) };
}

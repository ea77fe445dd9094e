import "server-only";
import { isHttps } from "@/lib/env";

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

/** Both names, so the proxy's presence check works whatever the scheme. */
export const SESSION_COOKIE_NAMES = ["__Host-ck_session", "ck_session"] as const;

import "server-only";
import { isHttps } from "@/lib/env";
import { cookieValue } from "@/lib/http";

/**
 * The passkey sign-in's challenge cookie: a random token whose SHA-256 binds the challenge to this
 * browser. Strict (only our own pages send it), HttpOnly, no Expires (the challenge row expires in
 * five minutes anyway), `__Host-` under HTTPS.
 */
export function passkeyChallengeCookieName(): string {
  return isHttps() ? "__Host-ck_webauthn" : "ck_webauthn";
}

export function serializePasskeyChallengeCookie(token: string): string {
  return `${passkeyChallengeCookieName()}=${token}; Path=/; HttpOnly; SameSite=Strict${isHttps() ? "; Secure" : ""}`;
}

export function serializeClearedPasskeyChallengeCookie(): string {
  return `${serializePasskeyChallengeCookie("")}; Max-Age=0`;
}

/** Reads one cookie from a request's Cookie header (lib/http's one cookie reader). */
export function cookieFromRequest(req: Request, name: string): string | undefined {
  return cookieValue(req.headers.get("cookie"), name);
}

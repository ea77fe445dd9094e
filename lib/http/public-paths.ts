/** Paths reachable without a session. Everything else needs one (checked in proxy.ts and again in the gate). */
const PUBLIC_EXACT = new Set([
  "/",
  "/sign-in",
  "/sign-up",
  "/sign-up/done",
  "/verify-email",
  "/forgot-password",
  "/reset-password",
  "/unlock", // the suspended account's e-mailed link (lib/defense)
  "/contact",
  "/network-refused", // where the gate sends a member outside their organization's allowed networks (lib/firewall)
  "/api/health",
  "/api/ping",
  "/api/contact",
  "/api/cron/alerts", // a scheduler has no session: the route checks its CRON_SECRET bearer itself
  "/api/cron/sync", // the same
  "/api/cron/backup", // the same
  "/api/auth/sign-in",
  "/api/auth/passkey/options", // passwordless sign-in (WebAuthn): added by the WebAuthn work, see its report
  "/api/auth/passkey/verify",
  "/sign-in/sso", // single sign-on (lib/sso): the work e-mail form, its start, the IdP's return and the ticket's completion
  "/api/auth/sso/start",
  "/api/auth/sso/complete",
  "/.well-known/security.txt",
  "/security.txt",
  "/robots.txt",
  "/favicon.ico",
  // The icons and manifest a browser or a phone's home screen asks for (app/icon.svg, app/manifest.ts).
  "/icon.svg",
  "/apple-icon.png",
  "/icon-192.png",
  "/icon-512.png",
  "/manifest.webmanifest",
  "/invite",
  "/dev/outbox", // development only: the page itself answers 404 in production
]);

/**
 * SCIM (lib/scim): identity providers send a bearer token, never a cookie; every handler there
 * refuses a request without a valid token itself (scimRoute), so the proxy lets them reach it.
 */
export const BEARER_TOKEN_PREFIX = "/api/scim/v2/";

const PUBLIC_PREFIXES = ["/_next/", BEARER_TOKEN_PREFIX, "/api/auth/sso/callback/"];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_EXACT.has(pathname) || PUBLIC_PREFIXES.some((p) => pathname.startsWith(p));
}

/**
 * Paths an MFA-pending browser (password proven, second factor not yet) may reach: the MFA
 * verification page and its endpoints, and sign-out. The gate accepts only the pending stage there.
 */
const MFA_PENDING_EXACT = new Set(["/mfa/verify", "/api/auth/mfa", "/api/auth/sign-out"]);
const MFA_PENDING_PREFIXES = ["/api/mfa/verify/"];

export function isMfaPendingPath(pathname: string): boolean {
  return MFA_PENDING_EXACT.has(pathname) || MFA_PENDING_PREFIXES.some((p) => pathname.startsWith(p));
}

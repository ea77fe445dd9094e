/** Paths reachable without a session. Everything else needs one (checked in proxy.ts and again in the gate). */
const PUBLIC_EXACT = new Set([
  "/",
  "/sign-in",
  "/sign-up",
  "/sign-up/done",
  "/verify-email",
  "/forgot-password",
  "/reset-password",
  "/contact",
  "/api/health",
  "/api/ping",
  "/api/contact",
  "/api/auth/sign-in",
  "/.well-known/security.txt",
  "/security.txt",
  "/robots.txt",
  "/favicon.ico",
  "/invite",
  "/dev/outbox", // development only: the page itself answers 404 in production
]);

const PUBLIC_PREFIXES = ["/_next/"];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_EXACT.has(pathname) || PUBLIC_PREFIXES.some((p) => pathname.startsWith(p));
}

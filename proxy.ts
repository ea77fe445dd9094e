import { NextResponse, type NextRequest } from "next/server";
import { MFA_PENDING_COOKIE_NAMES, SESSION_COOKIE_NAMES } from "@/lib/auth/cookie";
import { env } from "@/lib/env";
import { forwardedProto } from "@/lib/http/client-ip";
import { isMfaPendingPath, isPublicPath } from "@/lib/http/public-paths";
import { buildCsp, isForeignOrigin, SAFE_METHODS, staticSecurityHeaders } from "@/lib/http/security-headers";

/**
 * The app's middleware (Next 16 calls it proxy.ts). Cheap checks only, no database:
 * HTTPS, CSRF origin, session-cookie presence, and the security headers with a fresh CSP nonce.
 * The session itself is validated by the gate in lib/auth on every page, action and handler.
 */
export function proxy(request: NextRequest) {
  const config = env();
  const production = config.NODE_ENV === "production";
  const appOrigin = new URL(config.APP_URL).origin;
  const { pathname } = request.nextUrl;

  if (production && forwardedProto(request.headers, config.TRUST_PROXY) === "http") {
    const url = new URL(request.nextUrl.pathname + request.nextUrl.search, appOrigin.replace(/^http:/, "https:"));
    return withHeaders(NextResponse.redirect(url, 308), null, production);
  }

  if (!SAFE_METHODS.has(request.method) && isForeignOrigin(request.headers, [appOrigin, request.nextUrl.origin])) {
    return withHeaders(
      NextResponse.json(
        { error: { code: "csrf_origin", message: "This request came from another site and was refused." } },
        { status: 403 },
      ),
      null,
      production,
    );
  }

  const hasSessionCookie = SESSION_COOKIE_NAMES.some((n) => request.cookies.has(n));
  const hasMfaPendingCookie = MFA_PENDING_COOKIE_NAMES.some((n) => request.cookies.has(n));
  // Password proven, second factor not yet: nothing but the MFA pages (the gate checks the stage too).
  const pendingOnly = !hasSessionCookie && hasMfaPendingCookie;
  if (pendingOnly && !isPublicPath(pathname) && !isMfaPendingPath(pathname)) {
    if (pathname.startsWith("/api/")) {
      return withHeaders(
        NextResponse.json({ error: { code: "mfa_required", message: "Finish two-step verification first." } }, { status: 401 }),
        null,
        production,
      );
    }
    return withHeaders(NextResponse.redirect(new URL("/mfa/verify", request.nextUrl.origin), 303), null, production);
  }
  if (!hasSessionCookie && !pendingOnly && !isPublicPath(pathname)) {
    if (pathname.startsWith("/api/")) {
      return withHeaders(
        NextResponse.json({ error: { code: "unauthenticated", message: "Please sign in to continue." } }, { status: 401 }),
        null,
        production,
      );
    }
    const signIn = new URL("/sign-in", request.nextUrl.origin);
    if (request.method === "GET") signIn.searchParams.set("next", pathname + request.nextUrl.search);
    return withHeaders(NextResponse.redirect(signIn, 303), null, production);
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = buildCsp(nonce, { dev: !production, https: config.APP_URL.startsWith("https://") });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("x-request-id", crypto.randomUUID());
  requestHeaders.set("x-pathname", pathname + request.nextUrl.search);
  // Next reads the request-side CSP to put the nonce on its own scripts.
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  return withHeaders(response, csp, production);
}

function withHeaders(response: NextResponse, csp: string | null, production: boolean): NextResponse {
  const fallbackCsp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  response.headers.set("Content-Security-Policy", csp ?? fallbackCsp);
  for (const [k, v] of Object.entries(staticSecurityHeaders({ production }))) {
    response.headers.set(k, v);
  }
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};

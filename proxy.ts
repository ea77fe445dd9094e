import { NextResponse, type NextRequest } from "next/server";
// The database-free faces (lib/<cap>/edge.ts): the proxy never loads the session query or the database.
import { MFA_PENDING_COOKIE_NAMES, SESSION_COOKIE_NAMES } from "@/lib/auth/edge";
import { env } from "@/lib/env";
import { firewallDecision } from "@/lib/firewall/edge";
import {
  ACTION_BODY_CUT_OFF,
  ACTION_BODY_TOO_LARGE,
  buildCsp,
  clientIpFrom,
  formatSize,
  forwardedProto,
  isForeignOrigin,
  isMfaPendingPath,
  isPublicPath,
  MAX_ACTION_BODY_BYTES,
  MAX_REQUEST_BODY_BYTES,
  pagePostBodyFault,
  pagePostHeaderFault,
  readStreamLimited,
  SAFE_METHODS,
  staticSecurityHeaders,
  urlFault,
  type PostRefusal,
} from "@/lib/http/edge";
import { databaseOutageRefusal } from "@/lib/gate/edge";
import { checkEdgeLimit, policies, refusalResponse, waitSentence, wantsHtml, type EdgeDecision, type Refusal } from "@/lib/ratelimit/edge";

/**
 * The app's middleware (Next 16 calls it proxy.ts; it runs on the Node.js runtime, in the server's
 * process). Cheap checks only, all from memory, no database or Redis round trip: HTTPS, the global
 * firewall (a cached, versioned rule set: lib/firewall/cache.ts), the per-IP request limits
 * (lib/ratelimit/edge.ts), the declared body size, the URL's text (lib/http/boundary-text.ts), CSRF
 * origin, session-cookie presence, a page POST's form (lib/http/page-post.ts), and the security
 * headers with a fresh CSP nonce. The session itself (and an organization's network
 * allow-list) is checked by the gate in lib/auth on every page, action and handler.
 */
export async function proxy(request: NextRequest) {
  const config = env();
  const production = config.NODE_ENV === "production";
  const appOrigin = new URL(config.APP_URL).origin;
  const { pathname } = request.nextUrl;

  if (production && forwardedProto(request.headers, config.TRUST_PROXY) === "http") {
    const url = new URL(request.nextUrl.pathname + request.nextUrl.search, appOrigin.replace(/^http:/, "https:"));
    return withHeaders(NextResponse.redirect(url, 308), null, production);
  }

  const refused = (await edgeChecks(request, config)) ?? databaseOutageRefusal(request);
  if (refused) return withHeaders(refused, null, production);

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

  // Last, so that a refused session or origin costs no body read.
  const badPost = await pagePostChecks(request);
  if (badPost) return withHeaders(badPost, null, production);

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

type Config = ReturnType<typeof env>;

/**
 * Benchmark only (bench/firewall-middleware.ts measures the same route with and without these
 * checks): read once at start-up, and announced loudly, so it cannot go unnoticed in a deployment.
 */
const EDGE_CHECKS_OFF = process.env.BENCH_PROXY_EDGE_CHECKS === "off";
if (EDGE_CHECKS_OFF) console.warn("[proxy] BENCH_PROXY_EDGE_CHECKS=off: firewall, request limits and body size are NOT checked (benchmark baseline only)");

/** Firewall, then request limits, then the declared body size: a refusal, or null to go on. */
async function edgeChecks(request: NextRequest, config: Config): Promise<NextResponse | null> {
  if (EDGE_CHECKS_OFF) return null;
  const { pathname } = request.nextUrl;
  const html = wantsHtml(pathname, request.headers);
  // Only the deployment's trusted header (TRUST_PROXY): a spoofed X-Forwarded-For changes nothing here.
  const ip = clientIpFrom(request.headers, config.TRUST_PROXY);

  if (!firewallDecision(ip).allowed) {
    // Says why in general terms; never which rule or network matched.
    return refusalResponse(
      { status: 403, code: "network_blocked", title: "Access blocked", message: "Requests from your network are blocked by ChargeKeep's firewall. If you think this is a mistake, contact us from another network." },
      html,
    );
  }

  // An address we cannot see is not counted: one shared "unknown" bucket would let anyone lock everyone out.
  if (ip) {
    const multiplier = config.RATE_LIMIT_IP_MULTIPLIER;
    const global = await checkEdgeLimit("global-ip", ip, multiplier);
    if (!global.success) return tooMany(policies["global-ip"].message, global, html);
    if (pathname.startsWith("/api/")) {
      const api = await checkEdgeLimit("api-ip", ip, multiplier);
      if (!api.success) return tooMany(policies["api-ip"].message, api, html);
    }
  }

  // The declared size only; route handlers (lib/http/body.ts) and server actions (next.config) also cap what is streamed.
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_REQUEST_BODY_BYTES) {
    return refusalResponse(
      { status: 413, code: "payload_too_large", title: "Request too large", message: `The request is larger than ${formatSize(MAX_REQUEST_BODY_BYTES)}, the most ChargeKeep accepts. Send less data.` },
      html,
    );
  }

  // Pages answer GET and HEAD, and POST for their forms; anything else would just render the page.
  if (!pathname.startsWith("/api/") && !PAGE_METHODS.has(request.method)) {
    return refusalResponse(
      { status: 405, code: "method_not_allowed", title: "Not allowed", message: `ChargeKeep's pages do not accept ${request.method} requests.`, headers: { allow: [...PAGE_METHODS].join(", ") } },
      html,
    );
  }

  // A NUL or bytes that are not UTF-8 in the path or query would reach a page's database query (500)
  // or Next's own decoding of dynamic segments (500): refuse them here, for every route at once.
  const fault = urlFault(rawPathAndQuery(request.url));
  if (fault) return refusalResponse({ status: 400, code: "invalid_url", title: "Address not understood", message: fault }, html);
  return null;
}

const PAGE_METHODS = new Set(["GET", "HEAD", "POST"]);

/** Path and query exactly as the client sent them (still percent-encoded). */
function rawPathAndQuery(url: string): string {
  const afterScheme = url.indexOf("//");
  const start = url.indexOf("/", afterScheme + 2);
  const hash = url.indexOf("#");
  return start === -1 ? "/" : url.slice(start, hash === -1 ? undefined : hash);
}

/**
 * A POST to a page is a server action: the form must be one Next can decode (lib/http/page-post.ts),
 * or Next answers 500. The proxy reads its own copy of the body (Next buffers it for the proxy and
 * hands the page an untouched one), at most the action limit plus one byte.
 */
async function pagePostChecks(request: NextRequest): Promise<NextResponse | null> {
  if (EDGE_CHECKS_OFF || request.method !== "POST" || request.nextUrl.pathname.startsWith("/api/")) return null;
  const headerFault = pagePostHeaderFault(request.headers);
  if (headerFault) return postRefusal(headerFault, request);
  let bytes: Buffer | null;
  try {
    bytes = request.body ? await readStreamLimited(request.body, MAX_ACTION_BODY_BYTES) : Buffer.alloc(0);
  } catch {
    return postRefusal(ACTION_BODY_CUT_OFF, request);
  }
  if (!bytes) return postRefusal(ACTION_BODY_TOO_LARGE, request);
  const bodyFault = await pagePostBodyFault(request.headers, bytes);
  return bodyFault ? postRefusal(bodyFault, request) : null;
}

/**
 * Next's client shows a fetch action's error response to the person only when it is exactly
 * `text/plain` (no charset parameter: the sentences are ASCII); a browser's own form post gets the
 * readable page; anything else JSON.
 */
function postRefusal(r: PostRefusal, request: NextRequest): NextResponse {
  if (request.headers.has("next-action")) {
    return new NextResponse(r.message, { status: r.status, headers: { "content-type": "text/plain", "cache-control": "no-store" } });
  }
  const title = r.status === 413 ? "Form too large" : "Form not accepted";
  return refusalResponse({ ...r, title }, wantsHtml(request.nextUrl.pathname, request.headers));
}

function tooMany(first: string, d: EdgeDecision, html: boolean): NextResponse {
  const refusal: Refusal = {
    status: 429,
    code: "rate_limited",
    title: "Too many requests",
    message: `${first} ${waitSentence(d.retryAfterSeconds)}`,
    headers: {
      "retry-after": String(d.retryAfterSeconds),
      "ratelimit-limit": String(d.limit),
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(d.retryAfterSeconds),
    },
  };
  return refusalResponse(refusal, html);
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

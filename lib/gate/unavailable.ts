import { NextResponse, type NextRequest } from "next/server";
import { isDatabaseKnownDown } from "@/db/availability";
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE_MESSAGE, databaseFailureKind } from "@/db/errors";
import { refusalResponse, wantsHtml } from "@/lib/ratelimit/edge";

/**
 * 503 answers while the database is away (db/errors.ts decides what counts). No "server-only" and
 * no database import: proxy.ts uses databaseOutageRefusal.
 */
const RETRY_HEADERS = { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS), "cache-control": "no-store" };

/** One short line per refused request (no query, no parameters): a slow database shows up in the logs, not only an outage. */
export function logDatabaseUnavailable(requestId: string, e: unknown): void {
  let code = "";
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && typeof cur === "object" && i < 6 && !code; cur = cur.cause as typeof cur, i++) {
    if (typeof cur.code === "string") code = cur.code;
  }
  console.warn(`[${requestId}] database unavailable (${databaseFailureKind(e)}${code ? ` ${code}` : ""}): answered 503`);
}

/** Route handlers (lib/gate/route.ts): the JSON error shape every API answers with. */
export function databaseUnavailableResponse(requestId: string, e?: unknown): Response {
  logDatabaseUnavailable(requestId, e);
  return Response.json({ error: { code: "unavailable", message: DATABASE_UNAVAILABLE_MESSAGE, requestId } }, { status: 503, headers: RETRY_HEADERS });
}

/**
 * The proxy's answer while the circuit breaker (db/availability.ts) is open: a readable 503 page for
 * browsers, 503 JSON for APIs, both with Retry-After, and no request reaches a dead database or
 * queues writes behind it. /api/health is let through: it probes the database itself and is what
 * closes the breaker for load balancers and monitors.
 */
export function databaseOutageRefusal(request: NextRequest): NextResponse | null {
  const { pathname } = request.nextUrl;
  if (pathname === "/api/health" || !isDatabaseKnownDown()) return null;
  return refusalResponse(
    { status: 503, code: "unavailable", title: "Temporarily unavailable", message: DATABASE_UNAVAILABLE_MESSAGE, headers: RETRY_HEADERS },
    wantsHtml(pathname, request.headers),
  );
}

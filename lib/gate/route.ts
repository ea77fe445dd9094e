import "server-only";
import type { z } from "zod";
import { requireMfaPendingSessionFromRequest, requireSessionFromRequest, rotateCurrentSession, serializeSessionCookie, sessionCookieName, type SessionContext } from "@/lib/auth";
import { getDb, isDatabaseUnavailable, type Database } from "@/db";
import { isAppError } from "@/lib/errors";
import { isRateLimitedError, rateLimitHeaders } from "@/lib/ratelimit";
import { authorize, type Permission } from "@/lib/rbac";
import { loggableError, parseOrThrow, readJsonBody, refuseMalformedBody, requestMetaFrom, type RequestMeta } from "@/lib/http";
import { databaseUnavailableResponse } from "./unavailable";
import { recordSystemSignal } from "@/lib/alerts";

/** true: a full session. "mfa_pending": only a password-proven session at its second factor. false: public, said out loud. */
export type AuthMode = boolean | "mfa_pending";

type Ctx<Auth extends AuthMode, Body> = {
  req: Request;
  meta: RequestMeta;
  params: Record<string, string | string[]>;
  session: Auth extends false ? null : SessionContext;
  /** The database handle (opened on first use): app/ reaches the database only through what the gate hands over (docs/ARCHITECTURE.md). */
  db: Database;
  body: Body;
};

type Options<Auth extends AuthMode, S extends z.ZodType | undefined> = {
  auth: Auth;
  /** Checked with authorize() right after the session; the authorization matrix test reads it. */
  permission?: Auth extends true ? Permission : never;
  /** Only the MFA enrolment endpoints and sign-out: reachable when the organization's MFA deadline has passed. */
  allowMustEnrol?: Auth extends true ? boolean : never;
  body?: S;
  maxBodyBytes?: number;
};

/**
 * The one wrapper for route handlers. Fixed order: session -> body size -> parse -> handler,
 * and every failure becomes a JSON error a person can read; unexpected ones are logged with the
 * request id and answered with a generic 500 (no stack traces leave the server). Every answer is
 * `Cache-Control: no-store` unless the handler sets its own.
 */
export function route<Auth extends AuthMode, S extends z.ZodType | undefined = undefined>(
  options: Options<Auth, S>,
  handler: (ctx: Ctx<Auth, S extends z.ZodType ? z.infer<S> : undefined>) => Promise<Response> | Response,
) {
  const wrapped = async (req: Request, routeCtx?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const meta = requestMetaFrom(req.headers);
    try {
      let session =
        options.auth === "mfa_pending"
          ? await requireMfaPendingSessionFromRequest(req)
          : options.auth
            ? await requireSessionFromRequest(req, { allowMustEnrol: options.allowMustEnrol })
            : null;
      let newToken: string | undefined;
      // A pending session is not rotated here: completing MFA gives it a new id anyway.
      if (session?.session.rotationPending && options.auth === true) {
        // Privileges changed elsewhere: this response carries the session's new id.
        ({ ctx: session, token: newToken } = await rotateCurrentSession(session));
      }
      if (session && options.permission) authorize(session, options.permission);
      const body = options.body ? parseOrThrow(options.body, await readJsonBody(req, options.maxBodyBytes)) : await refuseMalformedBody(req, options.maxBodyBytes);
      const params = (await routeCtx?.params) ?? {};
      const response = await handler({ req, meta, params, session, get db() { return getDb(); }, body } as Ctx<Auth, S extends z.ZodType ? z.infer<S> : undefined>);
      // The handler may have set the session cookie itself (MFA completion): its token is the live one.
      const handlerSetSession = response.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookieName()}=`));
      if (newToken && !handlerSetSession) response.headers.append("set-cookie", serializeSessionCookie(newToken));
      // API answers carry personal data: no browser or shared cache keeps one unless its handler says so.
      if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
      return response;
    } catch (e) {
      return errorResponse(e, meta.requestId);
    }
  };
  return Object.assign(wrapped, {
    access: { auth: options.auth, permission: options.permission ?? null, allowMustEnrol: Boolean(options.allowMustEnrol) },
  });
}

export function errorResponse(e: unknown, requestId: string): Response {
  // The database is away (db/errors.ts): 503 with Retry-After, not a 500 that reads like a bug.
  if (isDatabaseUnavailable(e)) return databaseUnavailableResponse(requestId, e);
  if (isAppError(e)) {
    // A 429 says when to come back, so well-behaved clients wait instead of hammering.
    const limitHeaders = isRateLimitedError(e) ? rateLimitHeaders(e) : {};
    if (e.status === 429) recordSystemSignal("http_429"); // feeds the system alert rules (lib/alerts)
    return Response.json(
      { error: { code: e.code, message: e.message, ...(e.fieldErrors ? { fields: e.fieldErrors } : {}) } },
      { status: e.status, headers: { "cache-control": "no-store", ...limitHeaders } },
    );
  }
  console.error(`[${requestId}] unexpected error`, loggableError(e));
  recordSystemSignal("http_5xx");
  return Response.json(
    { error: { code: "internal", message: "Something went wrong on our side. Try again later.", requestId } },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}

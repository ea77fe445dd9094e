import "server-only";
import type { z } from "zod";
import { requireSessionFromRequest, rotateCurrentSession, type SessionContext } from "@/lib/auth";
import { serializeSessionCookie } from "@/lib/auth/cookie";
import { isAppError } from "@/lib/errors";
import { authorize } from "@/lib/rbac/authorize";
import type { Permission } from "@/lib/rbac/permissions";
import { readJsonBody } from "./body";
import { loggableError } from "./log";
import { requestMetaFrom, type RequestMeta } from "./request-meta";
import { parseOrThrow } from "./zod-errors";

type Ctx<Auth extends boolean, Body> = {
  req: Request;
  meta: RequestMeta;
  params: Record<string, string | string[]>;
  session: Auth extends true ? SessionContext : null;
  body: Body;
};

type Options<Auth extends boolean, S extends z.ZodType | undefined> = {
  /** true: a live session is required. false: a public endpoint, said out loud. */
  auth: Auth;
  /** Checked with authorize() right after the session; the authorization matrix test reads it. */
  permission?: Auth extends true ? Permission : never;
  body?: S;
  maxBodyBytes?: number;
};

/**
 * The one wrapper for route handlers. Fixed order: session -> body size -> parse -> handler,
 * and every failure becomes a JSON error a person can read; unexpected ones are logged with the
 * request id and answered with a generic 500 (no stack traces leave the server).
 */
export function route<Auth extends boolean, S extends z.ZodType | undefined = undefined>(
  options: Options<Auth, S>,
  handler: (ctx: Ctx<Auth, S extends z.ZodType ? z.infer<S> : undefined>) => Promise<Response> | Response,
) {
  const wrapped = async (req: Request, routeCtx?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const meta = requestMetaFrom(req.headers);
    try {
      let session = options.auth ? await requireSessionFromRequest(req) : null;
      let newToken: string | undefined;
      if (session?.session.rotationPending) {
        // Privileges changed elsewhere: this response carries the session's new id.
        ({ ctx: session, token: newToken } = await rotateCurrentSession(session));
      }
      if (session && options.permission) authorize(session, options.permission);
      const body = options.body ? parseOrThrow(options.body, await readJsonBody(req, options.maxBodyBytes)) : undefined;
      const params = (await routeCtx?.params) ?? {};
      const response = await handler({ req, meta, params, session, body } as Ctx<Auth, S extends z.ZodType ? z.infer<S> : undefined>);
      if (newToken) response.headers.append("set-cookie", serializeSessionCookie(newToken));
      return response;
    } catch (e) {
      return errorResponse(e, meta.requestId);
    }
  };
  return Object.assign(wrapped, { access: { auth: options.auth, permission: options.permission ?? null } });
}

export function errorResponse(e: unknown, requestId: string): Response {
  if (isAppError(e)) {
    return Response.json(
      { error: { code: e.code, message: e.message, ...(e.fieldErrors ? { fields: e.fieldErrors } : {}) } },
      { status: e.status, headers: { "cache-control": "no-store" } },
    );
  }
  console.error(`[${requestId}] unexpected error`, loggableError(e));
  return Response.json(
    { error: { code: "internal", message: "Something went wrong on our side. Try again later.", requestId } },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}

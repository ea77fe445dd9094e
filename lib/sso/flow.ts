import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { ssoConnections } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import { signInWithSso, type SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { badRequest } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import { recordSsoFailure, type SsoFailure } from "./accept";
import { browserCookieName, consumeTicket, cookieValue, findOpenAttempt, serializeBrowserCookie, startAttempt, type Attempt } from "./attempts";
import { forwardToAuthjs, SSO_BASE_PATH, SSO_PAGE } from "./authjs";
import { getConnection, getConnectionById, type SsoConnection } from "./connections";
import { findVerifiedDomainOrg } from "./domains";
import { NO_SSO_FOR_ADDRESS, SSO_FAILURE_MESSAGES } from "./messages";

export type Redirect = { location: string; cookies: string[] };

/** Auth.js's own cookies (state, PKCE, nonce, callback URL, CSRF): none may outlive the flow. */
export function isAuthjsCookie(name: string): boolean {
  return /^(__Secure-|__Host-)?(authjs|next-auth)\./.test(name);
}

function cookieNames(req: Request): string[] {
  return (req.headers.get("cookie") ?? "")
    .split(";")
    .map((p) => p.split("=")[0]!.trim())
    .filter(Boolean);
}

/** Set-Cookie lines that delete every Auth.js cookie the browser sent. */
export function clearedAuthjsCookies(req: Request): string[] {
  return cookieNames(req)
    .filter(isAuthjsCookie)
    .map((name) => `${name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${name.startsWith("__") ? "; Secure" : ""}`);
}

/** Auth.js answers the sign-in POST with a redirect to the IdP and its state/PKCE/nonce cookies. */
async function redirectToIdp(connection: SsoConnection, browserToken: string): Promise<Redirect> {
  const res = await forwardToAuthjs("POST", `${SSO_BASE_PATH}/signin/${connection.id}`, "", new URLSearchParams({ callbackUrl: SSO_PAGE }));
  const location = res.headers.get("location");
  if (!location || location.includes(`${SSO_PAGE}?error=`)) {
    throw badRequest("The identity provider could not be reached or its configuration could not be read. Try again, or ask your administrator.");
  }
  return { location, cookies: [...res.headers.getSetCookie(), serializeBrowserCookie(browserToken)] };
}

/** "Sign in with SSO": the work e-mail's verified domain (or the organization's sign-in link) picks the IdP. */
export async function startSsoSignIn(db: Database, input: { email?: string; organizationId?: string; meta: RequestMeta }): Promise<Redirect> {
  await enforce("sso-start-ip", input.meta.ip ?? "unknown");
  let organizationId = input.organizationId ?? null;
  if (!organizationId && input.email) organizationId = (await findVerifiedDomainOrg(db, input.email))?.organizationId ?? null;
  const connection = organizationId ? await getConnection(db, organizationId) : null;
  if (!connection || !connection.enabled) throw badRequest(NO_SSO_FOR_ADDRESS, input.email ? { email: NO_SSO_FOR_ADDRESS } : undefined);
  const { browserToken } = await startAttempt(db, { connection, purpose: "sign_in" });
  return redirectToIdp(connection, browserToken);
}

/** The owner's "Test connection": a real round trip whose result is recorded on the connection. */
export async function startSsoTest(db: Database, ctx: SessionContext): Promise<Redirect> {
  const connection = await getConnection(db, ctx.organization.id);
  if (!connection) throw badRequest("Save the connection first.");
  const { browserToken } = await startAttempt(db, { connection, purpose: "test", initiatedBy: ctx.user.id });
  return redirectToIdp(connection, browserToken);
}

async function recordTestResult(db: Database, attempt: Attempt, result: { ok: true; summary: string } | { ok: false; reason: string }, meta: RequestMeta | null) {
  const sentence = result.ok ? "ok" : (SSO_FAILURE_MESSAGES[result.reason as SsoFailure] ?? SSO_FAILURE_MESSAGES.provider_error);
  await db.transaction(async (tx) => {
    await tx
      .update(ssoConnections)
      .set({ lastTestedAt: now(), lastTestResult: sentence, updatedAt: sql`now()` })
      .where(and(eq(ssoConnections.id, attempt.connectionId), eq(ssoConnections.organizationId, attempt.organizationId)));
    await recordAudit(tx, {
      organizationId: attempt.organizationId,
      actorUserId: attempt.initiatedBy,
      action: "sso.connection_tested",
      result: result.ok ? "success" : "failure",
      targetType: "sso_connection",
      targetId: attempt.connectionId,
      ...auditRequestFields(meta),
      metadata: result.ok ? { claims: result.summary } : { reason: result.reason },
    });
  });
}

const OUR_REASONS = new Set(Object.keys(SSO_FAILURE_MESSAGES));

/**
 * The IdP's redirect back: Auth.js checks it and calls our signIn callback, which answers with
 * the completion URL (a ticket) or the SSO page with a reason. A failure inside Auth.js itself
 * (state or PKCE mismatch, a bad ID token, a refused code) is audited here.
 */
export async function handleSsoCallback(db: Database, req: Request, connectionId: string, meta: RequestMeta): Promise<Redirect> {
  const url = new URL(req.url);
  const connection = await getConnectionById(db, connectionId);
  if (!connection) return { location: `${SSO_PAGE}?error=provider_error`, cookies: clearedAuthjsCookies(req) };
  const browserToken = cookieValue(req, browserCookieName());
  // Read before Auth.js runs: a failed test must find its trip to record the result.
  const attempt = await findOpenAttempt(db, connection.id, browserToken);
  const res = await forwardToAuthjs("GET", `${SSO_BASE_PATH}/callback/${connection.id}${url.search}`, req.headers.get("cookie") ?? "");
  const location = res.headers.get("location") ?? `${SSO_PAGE}?error=provider_error`;
  const cookies = res.headers.getSetCookie();
  const error = location.includes(`${SSO_PAGE}?`) ? (new URL(location, url).searchParams.get("error") ?? "provider_error") : null;
  if (error) {
    const reason = OUR_REASONS.has(error) ? error : "provider_error";
    // Our callback audited its own refusals; Auth.js's are recorded now.
    if (!OUR_REASONS.has(error)) await recordSsoFailure(db, { organizationId: connection.organizationId, reason: "provider_error", meta, connectionId: connection.id });
    if (attempt?.purpose === "test") {
      await recordTestResult(db, attempt, { ok: false, reason }, meta);
      return { location: "/admin/sso?test=failed", cookies: [...cookies, ...clearedAuthjsCookies(req)] };
    }
    return { location: `${SSO_PAGE}?error=${reason}`, cookies: [...cookies, ...clearedAuthjsCookies(req)] };
  }
  return { location, cookies };
}

export type CompletionResult =
  | { kind: "session"; token: string; mfaRequired: boolean; userId: string; organizationId: string }
  | { kind: "tested" }
  | { kind: "refused"; reason: SsoFailure; message: string };

/**
 * Our completion route: spends the ticket (single use, 60 seconds, this browser only) and signs
 * the person in exactly like a password sign-in would, into the organization whose IdP vouched.
 */
export async function completeSso(db: Database, input: { ticket: string | undefined; browserToken: string | undefined; meta: RequestMeta; previousToken?: string }): Promise<CompletionResult> {
  const attempt = await consumeTicket(db, input.ticket, input.browserToken);
  if (!attempt) {
    await recordSsoFailure(db, { organizationId: null, reason: "ticket_invalid", meta: input.meta });
    return { kind: "refused", reason: "ticket_invalid", message: SSO_FAILURE_MESSAGES.ticket_invalid };
  }
  if (attempt.purpose === "test") {
    await recordTestResult(db, attempt, { ok: true, summary: attempt.claimsSummary ?? "" }, input.meta);
    return { kind: "tested" };
  }
  const result = await signInWithSso(db, { userId: attempt.userId!, organizationId: attempt.organizationId, idpMfa: attempt.idpMfa, meta: input.meta, previousToken: input.previousToken });
  if (!result.ok) {
    await recordSsoFailure(db, { organizationId: attempt.organizationId, userId: attempt.userId, reason: "member_suspended", meta: input.meta });
    return { kind: "refused", reason: "member_suspended", message: SSO_FAILURE_MESSAGES.member_suspended };
  }
  return { kind: "session", token: result.token, mfaRequired: result.mfaRequired, userId: result.userId, organizationId: attempt.organizationId };
}

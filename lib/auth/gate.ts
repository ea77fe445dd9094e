import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { asDatabaseUnavailable } from "@/db/errors";
import { AppError, forbidden as pageForbidden, mfaEnrolmentRequired, unauthenticated } from "@/lib/errors";
import { ensureFirewallLoaded, firewallDecision, networkRefused } from "@/lib/firewall";
import { proxyStamp, requestMetaFrom } from "@/lib/http";
import {
  mfaPendingCookieName,
  rotateCurrentSession,
  sessionCookieName,
  sessionCookieOptions,
  sessionTokensFrom,
  setSessionCookie,
  type SessionContext,
} from "@/lib/credentials";
import type { Permission } from "@/lib/permissions";
import { recordDeniedAccess } from "./denied";
import { validateSessionToken } from "./session";

/**
 * The one gate. Pages, server actions and route handlers all come through here; nothing else
 * reads the session cookie, and all of them read it through one function (sessionTokensFrom in
 * ./cookie.ts). Cached per request so a layout and its page share one lookup.
 */
const sessionForToken = cache(async (token: string | undefined): Promise<SessionContext | null> => {
  if (!token) return null;
  // A database outage surfaces here first on every page: marked so app/error.tsx can say so.
  return validateSessionToken(getDb(), token).catch(asDatabaseUnavailable);
});

/** Session of the current request (server components and server actions), or null. */
export async function getSession(): Promise<SessionContext | null> {
  return sessionForToken(sessionTokensFrom(await cookies()).session);
}

/**
 * An organization with allow rules confines its members' sessions to those networks (and its deny
 * rules refuse theirs). Decided from the firewall's in-memory rule set: no extra query per request.
 * Null when the request may go on, otherwise why not. The address and the global rules' verdict come
 * from the proxy when it stamped the request (lib/http/proxy-stamp.ts): only the organization's rules
 * are decided here.
 */
async function networkRefusal(ctx: SessionContext, h: Headers) {
  await ensureFirewallLoaded(getDb());
  const decision = firewallDecision(requestMetaFrom(h).ip, { organizationId: ctx.organization.id, globalDecided: proxyStamp(h) !== null });
  return decision.allowed ? null : decision.reason;
}

/**
 * `allowMustEnrol`: only for the MFA enrolment pages and actions (and sign-out), which a member
 * must reach when the organization's policy requires MFA and their grace period is over.
 */
export type GateOptions = { allowMustEnrol?: boolean };

/**
 * Throws a typed 401 when there is no live session (an MFA-pending one is not a session here).
 * For server actions, which may set cookies: a session whose privileges changed elsewhere gets its
 * new id here.
 */
export async function requireSession(options: GateOptions = {}): Promise<SessionContext> {
  const ctx = await getSession();
  if (!ctx) throw unauthenticated();
  const h = await headers();
  const refused = await networkRefusal(ctx, h);
  if (refused) throw await deniedHere(ctx, networkRefused(refused), h, `action ${await currentPathname()}`);
  if (ctx.mfa.mustEnrol && !options.allowMustEnrol) throw await deniedHere(ctx, mfaEnrolmentRequired(), h, `action ${await currentPathname()}`);
  if (!ctx.session.rotationPending) return ctx;
  const rotated = await rotateCurrentSession(ctx);
  await setSessionCookie(rotated.token);
  return rotated.ctx;
}

/**
 * For pages: an expired or revoked session is sent to sign-in instead of seeing an error. Pages
 * cannot set cookies, so a session due for a new id takes a detour through /session/refresh.
 */
export async function requirePageSession(options: GateOptions = {}): Promise<SessionContext> {
  const ctx = await getSession();
  if (!ctx) {
    // A browser half-way through MFA goes back to its second factor, not to the password.
    if (sessionTokensFrom(await cookies()).mfaPending) redirect("/mfa/verify");
    redirect("/sign-in?expired=1");
  }
  const refused = await networkRefusal(ctx, await headers());
  if (refused) {
    await deniedHere(ctx, networkRefused(refused), await headers(), `page ${await currentPathname()}`);
    redirect(`/network-refused?reason=${refused}`);
  }
  if (ctx.mfa.mustEnrol && !options.allowMustEnrol) redirect("/settings/security?enrol=required");
  if (ctx.session.rotationPending) {
    const here = (await headers()).get("x-pathname") ?? "/dashboard";
    redirect(`/session/refresh?next=${encodeURIComponent(here)}`);
  }
  return ctx;
}

/** For pages that need a permission: without it the page answers 403 (app/forbidden.tsx). */
export async function requirePagePermission(permission: Permission): Promise<SessionContext> {
  const ctx = await requirePageSession();
  if (!ctx.permissions.has(permission)) {
    await recordDeniedAccess(getDb(), ctx, pageForbidden(), { route: `page ${await currentPathname()}`, permission }, requestMetaFrom(await headers()));
    forbidden();
  }
  return ctx;
}

/** For route handlers, which receive the request object. */
export async function requireSessionFromRequest(req: Request, options: GateOptions = {}): Promise<SessionContext> {
  const token = sessionTokensFrom(req.headers).session;
  const ctx = token ? await validateSessionToken(getDb(), token) : null;
  if (!ctx) throw unauthenticated();
  const refused = await networkRefusal(ctx, req.headers);
  const route = `${req.method} ${new URL(req.url).pathname}`;
  if (refused) throw await deniedHere(ctx, networkRefused(refused), req.headers, route);
  if (ctx.mfa.mustEnrol && !options.allowMustEnrol) throw await deniedHere(ctx, mfaEnrolmentRequired(), req.headers, route);
  return ctx;
}

/*
 * The MFA-pending stage: password proven, second factor not yet. Read from its own cookie and
 * validated as stage "mfa_pending", so only the MFA verification pages and endpoints accept it.
 */
const pendingForToken = cache(async (token: string | undefined): Promise<SessionContext | null> => {
  if (!token) return null;
  return validateSessionToken(getDb(), token, "mfa_pending");
});

export async function getMfaPendingSession(): Promise<SessionContext | null> {
  return pendingForToken(sessionTokensFrom(await cookies()).mfaPending);
}

export async function requireMfaPendingSession(): Promise<SessionContext> {
  const ctx = await getMfaPendingSession();
  if (!ctx) throw new AppError("mfa_session_expired", 401, "Your sign-in has expired. Sign in again with your password.");
  return ctx;
}

export async function requireMfaPendingSessionFromRequest(req: Request): Promise<SessionContext> {
  const token = sessionTokensFrom(req.headers).mfaPending;
  const ctx = token ? await validateSessionToken(getDb(), token, "mfa_pending") : null;
  if (!ctx) throw new AppError("mfa_session_expired", 401, "Your sign-in has expired. Sign in again with your password.");
  return ctx;
}

export async function setMfaPendingCookie(token: string): Promise<void> {
  (await cookies()).set(mfaPendingCookieName(), token, sessionCookieOptions());
}

export async function clearMfaPendingCookie(): Promise<void> {
  (await cookies()).delete(mfaPendingCookieName());
}

/** The session token the current request carries, if any (sign-in uses it to replace the old session). */
export async function currentSessionToken(): Promise<string | undefined> {
  return sessionTokensFrom(await cookies()).session;
}

/** The MFA-pending token the current request carries, if any (a new sign-in revokes it). */
export async function currentMfaPendingToken(): Promise<string | undefined> {
  return sessionTokensFrom(await cookies()).mfaPending;
}

export function sessionTokenFromRequest(req: Request): string | undefined {
  return sessionTokensFrom(req.headers).session;
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).delete(sessionCookieName());
}

/** The path of the page the request is for (set by proxy.ts), without its query string. */
export async function currentPathname(): Promise<string> {
  return ((await headers()).get("x-pathname") ?? "unknown").split("?")[0]!;
}

/** Records a refusal the gate itself makes (network, MFA enrolment) and hands the error back to throw. */
async function deniedHere(ctx: SessionContext, e: AppError, h: Headers, route: string): Promise<AppError> {
  await recordDeniedAccess(getDb(), ctx, e, { route, permission: null }, requestMetaFrom(h));
  return e;
}

import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { asDatabaseUnavailable } from "@/db/errors";
import { env } from "@/lib/env";
import { AppError, mfaEnrolmentRequired, unauthenticated } from "@/lib/errors";
import { ensureFirewallLoaded, firewallDecision, networkRefused } from "@/lib/firewall";
import { clientIpFrom } from "@/lib/http";
import {
  mfaPendingCookieName,
  rotateCurrentSession,
  sessionCookieName,
  sessionCookieOptions,
  setSessionCookie,
  type SessionContext,
} from "@/lib/credentials";
import type { Permission } from "@/lib/permissions";
import { validateSessionToken } from "./session";

/**
 * The one gate. Pages, server actions and route handlers all come through here; nothing else
 * reads the session cookie. Cached per request so a layout and its page share one lookup.
 */
const sessionForToken = cache(async (token: string | undefined): Promise<SessionContext | null> => {
  if (!token) return null;
  // A database outage surfaces here first on every page: marked so app/error.tsx can say so.
  return validateSessionToken(getDb(), token).catch(asDatabaseUnavailable);
});

/** Session of the current request (server components and server actions), or null. */
export async function getSession(): Promise<SessionContext | null> {
  const jar = await cookies();
  return sessionForToken(jar.get(sessionCookieName())?.value);
}

/**
 * An organization with allow rules confines its members' sessions to those networks (and its deny
 * rules refuse theirs). Decided from the firewall's in-memory rule set: no extra query per request.
 * Null when the request may go on, otherwise why not.
 */
async function networkRefusal(ctx: SessionContext, h: Headers) {
  await ensureFirewallLoaded(getDb());
  const decision = firewallDecision(clientIpFrom(h, env().TRUST_PROXY), { organizationId: ctx.organization.id });
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
  const refused = await networkRefusal(ctx, await headers());
  if (refused) throw networkRefused(refused);
  if (ctx.mfa.mustEnrol && !options.allowMustEnrol) throw mfaEnrolmentRequired();
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
    if ((await cookies()).get(mfaPendingCookieName())?.value) redirect("/mfa/verify");
    redirect("/sign-in?expired=1");
  }
  const refused = await networkRefusal(ctx, await headers());
  if (refused) redirect(`/network-refused?reason=${refused}`);
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
  if (!ctx.permissions.has(permission)) forbidden();
  return ctx;
}

/** For route handlers, which receive the request object. */
export async function requireSessionFromRequest(req: Request, options: GateOptions = {}): Promise<SessionContext> {
  const token = sessionTokenFromRequest(req);
  const ctx = token ? await validateSessionToken(getDb(), token) : null;
  if (!ctx) throw unauthenticated();
  const refused = await networkRefusal(ctx, req.headers);
  if (refused) throw networkRefused(refused);
  if (ctx.mfa.mustEnrol && !options.allowMustEnrol) throw mfaEnrolmentRequired();
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
  return pendingForToken((await cookies()).get(mfaPendingCookieName())?.value);
}

export async function requireMfaPendingSession(): Promise<SessionContext> {
  const ctx = await getMfaPendingSession();
  if (!ctx) throw new AppError("mfa_session_expired", 401, "Your sign-in has expired. Sign in again with your password.");
  return ctx;
}

export async function requireMfaPendingSessionFromRequest(req: Request): Promise<SessionContext> {
  const token = readCookie(req.headers.get("cookie"), mfaPendingCookieName());
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

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The session token the current request carries, if any (sign-in uses it to replace the old session). */
export async function currentSessionToken(): Promise<string | undefined> {
  return (await cookies()).get(sessionCookieName())?.value;
}

export function sessionTokenFromRequest(req: Request): string | undefined {
  return readCookie(req.headers.get("cookie"), sessionCookieName());
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).delete(sessionCookieName());
}

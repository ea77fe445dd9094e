import "server-only";
import { getDb, type Database } from "@/db";
import * as auth from "@/lib/auth";
import type { GateOptions, SessionContext } from "@/lib/auth";
import type { Permission } from "@/lib/rbac";

/**
 * The page guards (lib/auth's, by the same names). Like route() and formAction(), they hand over the database handle together with
 * the session: app/ never imports db/ (docs/ARCHITECTURE.md, "How app/ reaches the database").
 */
export type PageGate = { session: SessionContext; db: Database };

/** A signed-in page (expired or revoked sessions go to sign-in; see lib/auth's requirePageSession). */
export async function requirePageSession(options: GateOptions = {}): Promise<PageGate> {
  return { session: await auth.requirePageSession(options), db: getDb() };
}

/** A page that needs a permission: without it the page answers 403 (app/forbidden.tsx). */
export async function requirePagePermission(permission: Permission): Promise<PageGate> {
  return { session: await auth.requirePagePermission(permission), db: getDb() };
}

/**
 * A page anyone may open (an invitation link, the MFA step of a sign-in, which checks its own
 * pending session): the gate checks nothing here and still hands over the handle.
 */
export function publicPage(): { db: Database } {
  return { db: getDb() };
}

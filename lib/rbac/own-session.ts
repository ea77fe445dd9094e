import "server-only";
import { setSessionCookie } from "@/lib/auth/gate";
import { rotateSession, type SessionContext } from "@/lib/auth/session";
import type { Database } from "@/db";

/**
 * For server actions, after an RBAC change that marked the editor's own session for rotation
 * (role edits rotate the whole organization; group edits rotate the group's members). Actions may
 * set cookies, so the session gets its new id in this response instead of the next page load
 * taking a detour through /session/refresh.
 */
export async function rotateOwnSession(db: Database, ctx: SessionContext): Promise<void> {
  const rotated = await rotateSession(db, ctx.session.id);
  if (rotated) await setSessionCookie(rotated.token);
}

import "server-only";
import { rotateCurrentSession, setSessionCookie, type SessionContext } from "@/lib/credentials";

/**
 * For server actions, after an RBAC change that marked the editor's own session for rotation
 * (role edits rotate the whole organization; group edits rotate the group's members). Actions may
 * set cookies, so the session gets its new id in this response instead of the next page load
 * taking a detour through /session/refresh.
 */
export async function rotateOwnSession(ctx: SessionContext): Promise<void> {
  await setSessionCookie((await rotateCurrentSession(ctx)).token);
}

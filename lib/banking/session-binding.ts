import "server-only";

/**
 * What binds an attempt to the browser session that started it: the session's id (itself the
 * SHA-256 of the session token, as stored in `sessions`), so the callback is refused in any other
 * session, including the same user's other browser.
 */
export function sessionBinding(sessionId: string): string {
  return sessionId;
}

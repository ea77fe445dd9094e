import "server-only";
/**
 * What proves who someone is, and the session it opens: passwords, single-use e-mail tokens, session
 * rows and their cookie, the session context type and the step-up rule. The bottom of identity and
 * access: rbac, defense, the firewall and lib/auth build on it, and it imports none of them.
 * Reading a session for a request (the one statement with effective permissions) is lib/auth's.
 */
export type { MfaState, SessionContext, SessionStage } from "./context";
export {
  createSession,
  listSessions,
  markSessionsForRotation,
  pruneExpiredSessions,
  revokeAllSessions,
  revokeOtherSessions,
  revokeSession,
  revokeSessionByToken,
  rotateSession,
  sessionLimits,
  MFA_PENDING_LIFETIME_MS,
} from "./sessions";
export { rotateCurrentSession, setSessionCookie } from "./session-cookie";
export {
  mfaPendingCookieName,
  serializeClearedMfaPendingCookie,
  serializeClearedSessionCookie,
  serializeMfaPendingCookie,
  serializeSessionCookie,
  sessionCookieName,
  sessionCookieOptions,
  MFA_PENDING_COOKIE_NAMES,
  SESSION_COOKIE_NAMES,
  sessionTokensFrom,
  type CookieSource,
} from "./cookie";
export { commonPasswordCount, dummyPasswordHash, hashPassword, passwordProblem, verifyPassword, PASSWORD_MAX, PASSWORD_MIN } from "./password";
export { consumeAuthToken, issueAuthToken, TOKEN_MINUTES } from "./auth-tokens";
export * from "./schemas";
export { hasRecentMfa, requireRecentMfa, stepUpWindowMs } from "./step-up";
export { describeDevice, deviceKey } from "./device";

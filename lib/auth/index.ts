import "server-only";
export { clearSessionCookie, currentSessionToken, getSession, requirePagePermission, rotateCurrentSession, sessionTokenFromRequest, requirePageSession, requireSession, requireSessionFromRequest, setSessionCookie } from "./gate";
export {
  createSession,
  listSessions,
  revokeAllSessions,
  revokeOtherSessions,
  revokeSession,
  revokeSessionByToken,
  rotateSession,
  markSessionsForRotation,
  validateSessionToken,
  type SessionContext,
} from "./session";
export { signIn, INVALID_CREDENTIALS, type SignInResult } from "./sign-in";
export { signUp } from "./sign-up";
export { resendVerification, verifyEmail } from "./email-verification";
export { requestPasswordReset, resetPassword, INVALID_RESET_LINK } from "./password-reset";
export { hashPassword, passwordProblem, verifyPassword, PASSWORD_MIN, PASSWORD_MAX } from "./password";
export { sessionCookieName } from "./cookie";
export * from "./schemas";
export { describeDevice } from "./device";

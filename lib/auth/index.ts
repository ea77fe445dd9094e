import "server-only";
export {
  clearMfaPendingCookie,
  clearSessionCookie,
  currentPathname,
  currentSessionToken,
  getMfaPendingSession,
  getSession,
  requireMfaPendingSession,
  requireMfaPendingSessionFromRequest,
  requirePagePermission,
  rotateCurrentSession,
  sessionTokenFromRequest,
  requirePageSession,
  requireSession,
  requireSessionFromRequest,
  setMfaPendingCookie,
  setSessionCookie,
  type GateOptions,
} from "./gate";
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
  MFA_PENDING_LIFETIME_MS,
  type MfaState,
  type SessionContext,
  type SessionStage,
} from "./session";
export { hasSecondFactor, signIn, INVALID_CREDENTIALS, type SignInResult } from "./sign-in";
export { signUp } from "./sign-up";
export { resendVerification, verifyEmail } from "./email-verification";
export { requestPasswordReset, resetPassword, INVALID_RESET_LINK } from "./password-reset";
export { changePassword, SAME_PASSWORD } from "./change-password";
export { confirmCurrentPassword, WRONG_CURRENT_PASSWORD } from "./current-password";
export { hashPassword, passwordProblem, verifyPassword, PASSWORD_MIN, PASSWORD_MAX } from "./password";
export { mfaPendingCookieName, sessionCookieName } from "./cookie";
export * from "./schemas";
export { describeDevice } from "./device";
export { denialCode, recordDeniedAccess, resetDeniedAccessForTests, DENIED_REPEAT_MS, type DeniedWhere } from "./denied";

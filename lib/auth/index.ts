import "server-only";
export {
  clearMfaPendingCookie,
  clearSessionCookie,
  currentSessionToken,
  currentMfaPendingToken,
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
export { hashPassword, passwordProblem, verifyPassword, PASSWORD_MIN, PASSWORD_MAX } from "./password";
export { mfaPendingCookieName, sessionCookieName } from "./cookie";
export * from "./schemas";
export { describeDevice } from "./device";
export { recordAccountEvent } from "./audit";
export { signInAfterUnlock } from "./sign-in";
export { serializeClearedMfaPendingCookie, serializeClearedSessionCookie, serializeMfaPendingCookie, serializeSessionCookie } from "./cookie";

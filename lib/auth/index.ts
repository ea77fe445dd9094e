import "server-only";
export {
  clearMfaPendingCookie,
  clearSessionCookie,
  currentSessionToken,
  getMfaPendingSession,
  getSession,
  requireMfaPendingSession,
  requireMfaPendingSessionFromRequest,
  requirePagePermission,
  sessionTokenFromRequest,
  requirePageSession,
  requireSession,
  requireSessionFromRequest,
  setMfaPendingCookie,
  type GateOptions,
} from "./gate";
export { validateSessionToken } from "./session";
// Sessions, passwords, tokens and cookies live one step down, in lib/credentials (so rbac and defense
// need not import lib/auth); lib/auth hands them on for the pages and handlers that come through here.
export {
  createSession,
  listSessions,
  revokeAllSessions,
  revokeOtherSessions,
  revokeSession,
  revokeSessionByToken,
  rotateCurrentSession,
  rotateSession,
  markSessionsForRotation,
  setSessionCookie,
  MFA_PENDING_LIFETIME_MS,
  type MfaState,
  type SessionContext,
  type SessionStage,
} from "@/lib/credentials";
export { hasSecondFactor, signIn, INVALID_CREDENTIALS, type SignInResult } from "./sign-in";
export { signUp } from "./sign-up";
export { resendVerification, verifyEmail } from "./email-verification";
export { requestPasswordReset, resetPassword, INVALID_RESET_LINK } from "./password-reset";
export {
  hashPassword,
  passwordProblem,
  verifyPassword,
  PASSWORD_MIN,
  PASSWORD_MAX,
  mfaPendingCookieName,
  sessionCookieName,
  emailSchema,
  passwordInputSchema,
  signUpSchema,
  signInSchema,
  tokenSchema,
  resetPasswordSchema,
  changePasswordSchema,
} from "@/lib/credentials";
export { describeDevice, deviceKey } from "@/lib/credentials";
export { changePassword, SAME_PASSWORD } from "./change-password";
export { confirmCurrentPassword, WRONG_CURRENT_PASSWORD } from "./current-password";
export { recordAccountEvent } from "./audit";
export { signInAfterUnlock } from "./sign-in";
export { serializeClearedMfaPendingCookie, serializeClearedSessionCookie, serializeMfaPendingCookie, serializeSessionCookie } from "@/lib/credentials";

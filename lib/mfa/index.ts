import "server-only";
/** Multi-factor authentication: factors, the MFA-pending -> full session step, step-up, policy. */
export { completeMfaSignIn, completeStepUp } from "./completion";
export { factorSummary, type FactorSummary } from "./factors";
export { countMfaFailure, recordMfaEvent, type MfaEvent, type MfaEventContext, type MfaMethod } from "./events";
// The step-up rule lives in lib/credentials (rbac, defense and the firewall need it from below).
export { hasRecentMfa, requireRecentMfa, stepUpWindowMs } from "@/lib/credentials";
export { requireReauthentication, ENTER_PASSWORD_TO_CONFIRM } from "./reauthenticate";
export { matchTotpStep, totpQrDataUri, totpStatus, totpStepAt, totpUri, startTotpEnrolment, cancelTotpEnrolment, confirmTotpEnrolment, verifyTotp, removeTotp, type TotpStatus } from "./totp";
export { ensureRecoveryCodes, normaliseRecoveryCode, recoveryCodesLeft, regenerateRecoveryCodes, spendRecoveryCode, RECOVERY_CODE_COUNT } from "./recovery-codes";
export { INVALID_RECOVERY_CODE, INVALID_TOTP_CODE, mfaEventContext, verifySecondFactorCode, type SecondFactorCode, type VerifyPurpose } from "./verify-code";
export * from "./webauthn";
export { becomesStricter, coveredRoleIds, describeFactors, enrolmentDeadline, getMfaPolicy, memberMfaStatus, mfaPolicyInputSchema, saveMfaPolicy, GRACE_DAYS_DEFAULT, GRACE_DAYS_MAX, type MemberMfaStatus, type MfaPolicyInput, type OrganizationMfaPolicy } from "./policy";

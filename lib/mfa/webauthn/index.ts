import "server-only";
/** Security keys and passkeys (WebAuthn, @simplewebauthn/server): the public face of lib/mfa/webauthn. */
export { relyingParty, type RelyingParty } from "./config";
export { isCounterRegression } from "./counter";
export { PASSKEY_NOT_REGISTERED } from "./errors";
export { registrationOptions, verifyRegistration, type RegisteredCredential } from "./registration";
export { secondFactorOptions, verifySecondFactor, type AssertionPurpose } from "./second-factor";
export { passkeySignInOptions, verifyPasskeySignIn } from "./passkey";
export {
  LAST_FACTOR_MESSAGE,
  listWebauthnCredentials,
  removeWebauthnCredential,
  renameWebauthnCredential,
  type WebauthnCredentialSummary,
} from "./credentials";
export {
  cookieFromRequest,
  passkeyChallengeCookieName,
  serializeClearedPasskeyChallengeCookie,
  serializePasskeyChallengeCookie,
} from "./cookie";
export {
  authenticationVerifyBodySchema,
  credentialKindSchema,
  credentialNameSchema,
  registrationOptionsBodySchema,
  registrationVerifyBodySchema,
  DEFAULT_CREDENTIAL_NAME,
  WEBAUTHN_MAX_BODY_BYTES,
  type CredentialKind,
} from "./schemas";

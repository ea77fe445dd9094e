import "server-only";
/** Single sign-on by OpenID Connect (Auth.js for the protocol, our own sessions), verified e-mail domains, the SSO policy. */
export { acceptIdpSignIn, idpMfaSatisfied, type IdTokenClaims, type SsoFailure } from "./accept";
export { browserCookieName, cookieValue, serializeClearedBrowserCookie, TICKET_LIFETIME_MS } from "./attempts";
export { COMPLETE_PATH, SSO_BASE_PATH, SSO_PAGE } from "./authjs";
export { connectionInputSchema, getConnection, policyInputSchema, redirectUriFor, saveConnection, saveSsoPolicy, setConnectionEnabled, type SsoConnection } from "./connections";
export { defaultTxtResolver, type TxtResolver } from "./dns";
export { addDomain, domainInputSchema, emailDomain, findVerifiedDomainOrg, listDomains, recheckVerifiedDomains, removeDomain, txtRecordFor, verifyDomain, type DomainCheck, type OrganizationDomain } from "./domains";
export { clearedAuthjsCookies, completeSso, handleSsoCallback, startSsoSignIn, startSsoTest, type CompletionResult, type Redirect } from "./flow";
export { NO_SSO_FOR_ADDRESS, SSO_FAILURE_MESSAGES, SSO_REQUIRED_MESSAGE, ssoFailureMessage } from "./messages";
export { isActiveOwner, passwordSignInPolicy } from "@/lib/auth";
export { domainRecheckJob, DOMAIN_RECHECK_CRON } from "./recheck-job";

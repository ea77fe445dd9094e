import "server-only";

/**
 * Bank connections over OAuth 2 / OpenID Connect (oauth4webapi): institutions as configuration,
 * the authorization code + PKCE flow bound to the browser session, tokens sealed to their row,
 * refresh under a row lock, revocation on disconnect. lib/sync calls getApiAccess and
 * markReauthRequired; docs/banking.md describes the seam for aggregator providers.
 */
export { ReauthRequiredError } from "./errors";
export { getApiAccess, markReauthRequired, REFRESH_MARGIN_MS } from "./access";
export { startConnection, ATTEMPT_LIFETIME_MS } from "./start";
export { completeConnection, type CallbackOutcome, type RefusalNotice } from "./complete";
export { disconnectConnection, recordSyncRequest } from "./manage";
export { getConnection, listConnections, type AccountView, type ConnectionView, type SyncRunView } from "./connections";
export {
  ensureSandboxInstitutions,
  institutionInputSchema,
  listEnabledInstitutions,
  upsertInstitution,
  SANDBOX_SLUGS,
  type InstitutionChoice,
  type InstitutionInput,
} from "./institutions";
export { issuerProblem, isLoopbackHost } from "./issuer-policy";
export { clearDiscoveryCache } from "./oauth-client";

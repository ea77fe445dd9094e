import "server-only";
/**
 * Brute-force defense, counted in the database (a restart or another instance forgets nothing):
 * per account a lock with growing waits and then a suspension, per address a temporary firewall
 * block. The unlock flows live in ./unlock (e-mail link) and ./admin (administrators), imported by
 * path: lib/mfa's hooks import this index, and the admin side imports lib/mfa.
 */
export type { AuthFailureKind } from "@/db/schema/defense";
export { recordAuthFailure, type AuthFailure } from "./record-failure";
export { recordSignInSuccess } from "./success";
export { accountStatus, ipBlockedUntil, unknownAddressStatus, type AccountStatus } from "./status";
export { lockedMessage, NETWORK_BLOCKED_MESSAGE, SUSPENDED_MESSAGE, INVALID_UNLOCK_LINK } from "./messages";
export { pruneAuthFailures } from "./prune";
export { adminUnlockAccount, listBlockedIps, listDefendedMembers, memberDefenseState } from "./admin";
export { requestUnlockLink, unlockWithToken } from "./unlock";
export type { DefendedAccount } from "./admin";

import "server-only";
/**
 * Brute-force defense, counted in the database (a restart or another instance forgets nothing):
 * per account a lock with growing waits and then a suspension, per address a temporary firewall
 * block, and the two ways out: the e-mailed unlock link and an administrator's unlock. It sits below
 * lib/auth (sign-in calls it) and imports lib/credentials, never lib/auth.
 */
export type { AuthFailureKind } from "@/db/schema/defense";
export { recordAuthFailure, type AuthFailure } from "./record-failure";
export { recordSignInSuccess } from "./success";
export { accountStatus, ipBlockedUntil, unknownAddressStatus, type AccountStatus } from "./status";
export { lockedMessage, NETWORK_BLOCKED_MESSAGE, SUSPENDED_MESSAGE, INVALID_UNLOCK_LINK } from "./messages";
export { pruneAuthFailures } from "./prune";
export { clearAccountDefense, requestUnlockLink, unlockWithToken } from "./unlock";
export { adminUnlockAccount, listBlockedIps, listDefendedMembers, memberDefenseState, type DefendedAccount } from "./admin";

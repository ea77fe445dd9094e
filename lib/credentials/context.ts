import type { Permission } from "@/lib/permissions";

// Who is asking, as every layer above sees it. A leaf module: types only, so rbac, defense, the
// firewall and the rest can name a session without importing the code that reads one.

export type SessionContext = {
  session: { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; rotationPending: boolean; viaSso?: boolean };
  mfa: MfaState;
  user: { id: string; email: string; name: string; isOperator: boolean };
  organization: { id: string; name: string; roleId: string; roleName: string; roleKey: string | null };
  /** Effective permissions in the active organization, computed fresh on every request. */
  permissions: ReadonlySet<Permission>;
};

/**
 * The session's second-factor standing, computed with the session in the same statement.
 * `mustEnrol`: the organization requires MFA of this member, the grace period is over and they
 * have no factor; such a session reaches only the enrolment page and sign-out.
 */
export type MfaState = {
  /** Has a confirmed authenticator app or at least one security key / passkey. */
  enrolled: boolean;
  verifiedAt: Date | null;
  /** The organization's policy covers this member. */
  required: boolean;
  /** When the grace period ends (null when not required). */
  enrolBy: Date | null;
  mustEnrol: boolean;
};

export type SessionStage = "full" | "mfa_pending";

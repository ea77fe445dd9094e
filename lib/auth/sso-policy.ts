import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, organizationDomains, roles, ssoConnections } from "@/db/schema";

/** The sentence a password sign-in gets when the organization requires single sign-on for the address. */
export const SSO_REQUIRED_MESSAGE = "Your organization signs in with its identity provider. Use “Sign in with SSO” below.";

/**
 * What a password sign-in must know about single sign-on for this address: the organization that
 * verified its domain and turned SSO on, whether SSO is required, and whether its owners keep a
 * break-glass password sign-in. It lives in lib/auth, not lib/sso, because the password sign-in asks
 * it and lib/sso signs people in through lib/auth: the dependency points one way (sso -> auth).
 */
export async function passwordSignInPolicy(
  db: Database,
  email: string,
): Promise<{ organizationId: string; ssoRequired: boolean; breakGlassOwners: boolean } | null> {
  const at = email.lastIndexOf("@");
  if (at < 1) return null;
  const domain = email.slice(at + 1).toLowerCase();
  const [row] = await db
    .select({ organizationId: ssoConnections.organizationId, ssoRequired: ssoConnections.ssoRequired, breakGlassOwners: ssoConnections.breakGlassOwners })
    .from(organizationDomains)
    .innerJoin(ssoConnections, eq(ssoConnections.organizationId, organizationDomains.organizationId))
    .where(and(eq(organizationDomains.domain, domain), isNotNull(organizationDomains.verifiedAt), eq(ssoConnections.enabled, true)));
  return row ?? null;
}

/** An active owner of the organization: the break-glass sign-in is theirs only. */
export async function isActiveOwner(db: Database, userId: string, organizationId: string): Promise<boolean> {
  const [row] = await db
    .select({ key: roles.key })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId), eq(memberships.status, "active")));
  return row?.key === "owner";
}

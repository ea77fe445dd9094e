import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, organizationDomains, roles, ssoIdentities, users } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import { now } from "@/lib/clock";
import type { RequestMeta } from "@/lib/http";
import { issueTicket, type Attempt } from "./attempts";
import type { SsoConnection } from "./connections";
import { emailDomain } from "./domains";
import { isUniqueViolation } from "./unique";

/** What the ID token said, as Auth.js hands it to the signIn callback. */
export type IdTokenClaims = Record<string, unknown>;

export type SsoFailure =
  | "attempt_not_found"
  | "connection_disabled"
  | "issuer_mismatch"
  | "subject_missing"
  | "email_missing"
  | "email_unverified"
  | "domain_not_verified"
  | "subject_changed"
  | "not_a_member"
  | "member_suspended"
  | "ticket_invalid"
  | "provider_error";

export type AcceptResult = { ok: true; ticket: string } | { ok: false; reason: SsoFailure };

const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 500 ? v : null);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);
const words = (s: string) => s.split(/\s+/).filter(Boolean);

/** Whether the IdP's second factor counts: the organization's mode and accepted amr/acr values. */
export function idpMfaSatisfied(connection: Pick<SsoConnection, "mfaMode" | "acceptedAmr" | "acceptedAcr">, claims: IdTokenClaims): boolean {
  if (connection.mfaMode !== "idp") return false;
  const amr = new Set(list(claims.amr));
  const acr = str(claims.acr);
  return words(connection.acceptedAmr).some((v) => amr.has(v)) || (acr !== null && words(connection.acceptedAcr).includes(acr));
}

function summary(claims: IdTokenClaims): string {
  const amr = list(claims.amr).join(" ") || "none";
  return `${str(claims.email) ?? "no e-mail"} (subject ${str(claims.sub) ?? "?"}; amr ${amr}${str(claims.acr) ? `; acr ${String(claims.acr)}` : ""})`.slice(0, 600);
}

export async function recordSsoFailure(db: Database, input: { organizationId: string | null; userId?: string | null; reason: SsoFailure; meta: RequestMeta | null; connectionId?: string }) {
  await recordAudit(db, {
    organizationId: input.organizationId,
    actorUserId: input.userId ?? null,
    action: "auth.sign_in_failed",
    result: "failure",
    ...(input.userId ? { targetType: "user", targetId: input.userId } : input.connectionId ? { targetType: "sso_connection", targetId: input.connectionId } : {}),
    ...auditRequestFields(input.meta),
    metadata: { method: "sso", reason: input.reason },
  });
}

/**
 * The heart of the signIn callback. Auth.js has already checked the code exchange, PKCE, state,
 * nonce and the ID token's signature, audience and issuer; this checks them against the
 * organization: the issuer is the connection's, the person is matched by (organization, issuer,
 * subject), a first sign-in needs an address on a domain this organization verified, and the
 * organization's policy (just-in-time members, suspension). Then a ticket for the completion route.
 */
export async function acceptIdpSignIn(
  db: Database,
  input: { connection: SsoConnection; attempt: Attempt | null; claims: IdTokenClaims; meta: RequestMeta | null },
): Promise<AcceptResult> {
  const { connection, attempt, claims, meta } = input;
  const fail = async (reason: SsoFailure, userId?: string | null): Promise<AcceptResult> => {
    await recordSsoFailure(db, { organizationId: connection.organizationId, userId, reason, meta, connectionId: connection.id });
    return { ok: false, reason };
  };
  // Another organization's trip, another browser, or none at all: this callback was not asked for.
  if (!attempt || attempt.connectionId !== connection.id || attempt.organizationId !== connection.organizationId) return fail("attempt_not_found");
  if (str(claims.iss) !== connection.issuer) return fail("issuer_mismatch");
  const subject = str(claims.sub);
  if (!subject) return fail("subject_missing");

  if (attempt.purpose === "test") {
    const ticket = await issueTicket(db, attempt.id, { userId: null, idpMfa: idpMfaSatisfied(connection, claims), claimsSummary: summary(claims) });
    return ticket ? { ok: true, ticket } : fail("attempt_not_found");
  }
  if (!connection.enabled) return fail("connection_disabled");

  const resolved = await db.transaction(async (tx) => resolveMember(tx, connection, subject, claims));
  if (!resolved.ok) return fail(resolved.reason, resolved.userId);
  const ticket = await issueTicket(db, attempt.id, { userId: resolved.userId, idpMfa: idpMfaSatisfied(connection, claims), claimsSummary: summary(claims) });
  return ticket ? { ok: true, ticket } : fail("attempt_not_found", resolved.userId);
}

type Resolved = { ok: true; userId: string } | { ok: false; reason: SsoFailure; userId?: string | null };

async function resolveMember(db: Database, connection: SsoConnection, subject: string, claims: IdTokenClaims): Promise<Resolved> {
  const organizationId = connection.organizationId;
  const [identity] = await db
    .select({ id: ssoIdentities.id, userId: ssoIdentities.userId })
    .from(ssoIdentities)
    .where(and(eq(ssoIdentities.organizationId, organizationId), eq(ssoIdentities.issuer, connection.issuer), eq(ssoIdentities.subject, subject)));
  if (identity) {
    const membership = await membershipOf(db, identity.userId, organizationId);
    if (membership === "suspended") return { ok: false, reason: "member_suspended", userId: identity.userId };
    if (!membership) return { ok: false, reason: "not_a_member", userId: identity.userId };
    await db.update(ssoIdentities).set({ lastSignInAt: now() }).where(eq(ssoIdentities.id, identity.id));
    return { ok: true, userId: identity.userId };
  }

  // First sign-in with this subject: the address must be on a domain THIS organization verified,
  // or any IdP could claim any address.
  const email = str(claims.email)?.toLowerCase() ?? null;
  if (!email) return { ok: false, reason: "email_missing" };
  if (claims.email_verified === false) return { ok: false, reason: "email_unverified" };
  const domain = emailDomain(email);
  const [verified] = domain
    ? await db
        .select({ id: organizationDomains.id })
        .from(organizationDomains)
        .where(and(eq(organizationDomains.organizationId, organizationId), eq(organizationDomains.domain, domain), isNotNull(organizationDomains.verifiedAt)))
    : [];
  if (!verified) return { ok: false, reason: "domain_not_verified" };

  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (existing) {
    // Already linked under another subject (or issuer): a changed `sub` is never relinked by e-mail.
    const [linked] = await db
      .select({ id: ssoIdentities.id })
      .from(ssoIdentities)
      .where(and(eq(ssoIdentities.organizationId, organizationId), eq(ssoIdentities.userId, existing.id)));
    if (linked) return { ok: false, reason: "subject_changed", userId: existing.id };
    const membership = await membershipOf(db, existing.id, organizationId);
    if (membership === "suspended") return { ok: false, reason: "member_suspended", userId: existing.id };
    if (!membership) {
      if (!connection.jitEnabled) return { ok: false, reason: "not_a_member", userId: existing.id };
      await addMember(db, connection, existing.id, email, subject);
    }
    return link(db, connection, existing.id, subject, email);
  }
  if (!connection.jitEnabled) return { ok: false, reason: "not_a_member" };
  const name = (str(claims.name) ?? email.split("@")[0]!).slice(0, 200);
  // No password: this person signs in through the identity provider.
  const [user] = await db.insert(users).values({ email, name, passwordHash: null, emailVerifiedAt: now() }).returning({ id: users.id });
  await addMember(db, connection, user!.id, email, subject);
  return link(db, connection, user!.id, subject, email);
}

async function membershipOf(db: Database, userId: string, organizationId: string): Promise<"active" | "suspended" | null> {
  const [m] = await db
    .select({ status: memberships.status })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)));
  return m?.status ?? null;
}

async function addMember(db: Database, connection: SsoConnection, userId: string, email: string, subject: string) {
  let roleId = connection.defaultRoleId;
  if (!roleId) {
    const [r] = await db.select({ id: roles.id }).from(roles).where(and(eq(roles.organizationId, connection.organizationId), eq(roles.key, "member")));
    roleId = r!.id;
  }
  await db.insert(memberships).values({ userId, organizationId: connection.organizationId, roleId });
  await recordAudit(db, {
    organizationId: connection.organizationId,
    actorUserId: userId,
    action: "sso.member_provisioned",
    result: "success",
    targetType: "user",
    targetId: userId,
    metadata: { email, subject, issuer: connection.issuer, roleId },
  });
}

async function link(db: Database, connection: SsoConnection, userId: string, subject: string, email: string): Promise<Resolved> {
  try {
    // In a savepoint: a refused insert must not abort the caller's transaction.
    await db.transaction(async (sp) => {
      await sp.insert(ssoIdentities).values({ organizationId: connection.organizationId, userId, issuer: connection.issuer, subject, email, lastSignInAt: now() });
    });
  } catch (e) {
    // A parallel first sign-in linked first: the unique indexes decide, never a second link.
    if (isUniqueViolation(e)) return { ok: false, reason: "subject_changed", userId };
    throw e;
  }
  await recordAudit(db, {
    organizationId: connection.organizationId,
    actorUserId: userId,
    action: "sso.identity_linked",
    result: "success",
    targetType: "user",
    targetId: userId,
    metadata: { email, subject, issuer: connection.issuer },
  });
  return { ok: true, userId };
}

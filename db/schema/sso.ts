import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { encryptedColumns } from "../../lib/crypto/columns";
import { organizations, users } from "./identity";
import { roles } from "./rbac";

const id = () => uuid("id").primaryKey().$defaultFn(() => randomUUID());
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true });

export const SSO_PROVIDER_KINDS = ["oidc", "microsoft-entra-id", "okta", "google"] as const;
export type SsoProviderKind = (typeof SSO_PROVIDER_KINDS)[number];
export const SSO_MFA_MODES = ["idp", "chargekeep"] as const;
export type SsoMfaMode = (typeof SSO_MFA_MODES)[number];

const connectionEnc = encryptedColumns("sso_connections");

/**
 * An organization's OpenID Connect identity provider (one per organization) and its SSO policy.
 * The client secret is an encrypted column bound to this table and column.
 */
export const ssoConnections = pgTable(
  "sso_connections",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: SSO_PROVIDER_KINDS }).notNull().default("oidc"),
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    clientSecret: connectionEnc.text("client_secret").notNull(),
    /** Members may sign in with it (after a successful test). */
    enabled: boolean("enabled").notNull().default(false),
    lastTestedAt: ts("last_tested_at"),
    /** "ok" or the reason the last test round trip failed. */
    lastTestResult: text("last_test_result"),
    /** "idp": the ID token's amr/acr may satisfy MFA; "chargekeep": our own second factor after SSO. */
    mfaMode: text("mfa_mode", { enum: SSO_MFA_MODES }).notNull().default("chargekeep"),
    /** Space-separated `amr` values that count as MFA (RFC 8176), and `acr` values. */
    acceptedAmr: text("accepted_amr").notNull().default("mfa hwk swk otp"),
    acceptedAcr: text("accepted_acr").notNull().default(""),
    /** Create members on their first SSO sign-in, with defaultRoleId. */
    jitEnabled: boolean("jit_enabled").notNull().default(true),
    defaultRoleId: uuid("default_role_id").references(() => roles.id, { onDelete: "set null" }),
    /** Members on verified domains may not sign in with a password. */
    ssoRequired: boolean("sso_required").notNull().default(false),
    /** Owners keep password + second factor when SSO is required (an IdP outage cannot lock the organization out). */
    breakGlassOwners: boolean("break_glass_owners").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sso_connections_org_key").on(t.organizationId), ...connectionEnc.checks()],
);

/** A person's identity at the organization's IdP: matched by (organization, issuer, subject), never by e-mail. */
export const ssoIdentities = pgTable(
  "sso_identities",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    /** The e-mail the IdP asserted when the identity was linked (for the admin's eyes). */
    email: text("email").notNull(),
    lastSignInAt: ts("last_sign_in_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("sso_identities_subject_key").on(t.organizationId, t.issuer, t.subject),
    // One IdP identity per member and organization: a new `sub` for the same person is refused, not relinked.
    uniqueIndex("sso_identities_user_key").on(t.organizationId, t.userId),
  ],
);

export const SSO_ATTEMPT_PURPOSES = ["sign_in", "test"] as const;

/**
 * One trip to the IdP. Started with the SHA-256 of a random value kept in a cookie of the browser
 * that started it; the signIn callback then stores the SHA-256 of a single-use 60-second ticket.
 * The completion route consumes the ticket only together with the same browser's cookie.
 */
export const ssoAttempts = pgTable(
  "sso_attempts",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id").notNull().references(() => ssoConnections.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: SSO_ATTEMPT_PURPOSES }).notNull(),
    /** The admin who started a test round trip. */
    initiatedBy: uuid("initiated_by").references(() => users.id, { onDelete: "cascade" }),
    browserHash: text("browser_hash").notNull(),
    expiresAt: ts("expires_at").notNull(),
    ticketHash: text("ticket_hash"),
    ticketExpiresAt: ts("ticket_expires_at"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** The IdP's MFA counts (amr/acr matched the accepted values). */
    idpMfa: boolean("idp_mfa").notNull().default(false),
    /** What the IdP said, for the test result and the audit event. */
    claimsSummary: text("claims_summary"),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("sso_attempts_browser_key").on(t.browserHash),
    uniqueIndex("sso_attempts_ticket_key").on(t.ticketHash),
    index("sso_attempts_expiry_idx").on(t.expiresAt),
  ],
);

/**
 * E-mail domains an organization claims, proven by a DNS TXT record. A domain is verified by one
 * organization only (partial unique index); others may have pending claims.
 */
export const organizationDomains = pgTable(
  "organization_domains",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    /** Lower-cased, no trailing dot. */
    domain: text("domain").notNull(),
    /** Published as `chargekeep-domain-verification=<token>` at `_chargekeep.<domain>`. */
    token: text("token").notNull(),
    verifiedAt: ts("verified_at"),
    lastCheckedAt: ts("last_checked_at"),
    lastCheckResult: text("last_check_result"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("organization_domains_org_domain_key").on(t.organizationId, t.domain),
    uniqueIndex("organization_domains_verified_key").on(t.domain).where(sql`verified_at is not null`),
  ],
);

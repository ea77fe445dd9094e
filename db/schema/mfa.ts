import { randomUUID } from "node:crypto";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { encryptedColumns } from "../../lib/crypto/columns";
import { organizations, users } from "./identity";
import { roles } from "./rbac";

const id = () => uuid("id").primaryKey().$defaultFn(() => randomUUID());
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

const enc = encryptedColumns("totp_factors");

/**
 * One authenticator app per user. The shared secret is sealed to its row (encrypted columns), and
 * `last_used_step` makes every 30-second step usable once: a code seen once is dead.
 */
export const totpFactors = pgTable(
  "totp_factors",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    secret: enc.sealed("secret").notNull(),
    /** Null until the user proves the app works by typing a first code. */
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    lastUsedStep: bigint("last_used_step", { mode: "number" }).notNull().default(0),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("totp_factors_user_key").on(t.userId), ...enc.checks()],
);

/** Security keys and passkeys. Public keys are not secret; the counter catches cloned authenticators. */
export const webauthnCredentials = pgTable(
  "webauthn_credentials",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** base64url credential id as the authenticator reports it. */
    credentialId: text("credential_id").notNull(),
    /** base64url COSE public key. */
    publicKey: text("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<string[]>().notNull().default([]),
    deviceType: text("device_type").notNull(),
    backedUp: boolean("backed_up").notNull().default(false),
    /** A passkey (discoverable credential) signs in without a password. */
    discoverable: boolean("discoverable").notNull().default(false),
    name: text("name").notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("webauthn_credentials_credential_key").on(t.credentialId), index("webauthn_credentials_user_idx").on(t.userId)],
);

export const WEBAUTHN_CEREMONIES = ["register", "authenticate", "passkey"] as const;
export type WebauthnCeremony = (typeof WEBAUTHN_CEREMONIES)[number];

/**
 * Server-side challenges, single use, expiring within 5 minutes. `binding` ties one to the session
 * that asked ("s:" + session id) or, for passwordless sign-in, to a short-lived browser cookie
 * ("c:" + SHA-256 of its token), so a challenge cannot be answered from another browser.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    id: id(),
    binding: text("binding").notNull(),
    ceremony: text("ceremony", { enum: WEBAUTHN_CEREMONIES }).notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    challenge: text("challenge").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webauthn_challenges_binding_idx").on(t.binding, t.ceremony)],
);

/** Ten single-use codes per user, argon2id-hashed (they carry under 112 bits, ASVS V6.5.2). */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

export const MFA_POLICIES = ["off", "all", "roles"] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];

/** Organization MFA policy. A missing row means "off". */
export const organizationMfaPolicies = pgTable("organization_mfa_policies", {
  organizationId: uuid("organization_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  policy: text("policy", { enum: MFA_POLICIES }).notNull().default("off"),
  graceDays: integer("grace_days").notNull().default(7),
  /** When the policy last became stricter: grace runs from here (or from joining, if later). */
  since: timestamp("since", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** With policy "roles": the roles that must use MFA (and every role above them in the tree). */
export const organizationMfaRoles = pgTable(
  "organization_mfa_roles",
  {
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    roleId: uuid("role_id").notNull().references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.roleId] })],
);

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { roles } from "./rbac";

const id = () => uuid("id").primaryKey().$defaultFn(() => randomUUID());
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: id(),
    /** Stored lower-cased; uniqueness is on this column. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    /** Platform operators (the people running this ChargeKeep) read contact messages. */
    isOperator: boolean("is_operator").notNull().default(false),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export const MEMBERSHIP_STATUSES = ["active", "suspended"] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

export const memberships = pgTable(
  "memberships",
  {
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    /** The member's own role; groups may add more. */
    roleId: uuid("role_id").notNull().references((): AnyPgColumn => roles.id, { onDelete: "restrict" }),
    status: text("status", { enum: MEMBERSHIP_STATUSES }).notNull().default("active"),
    suspendedAt: timestamp("suspended_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.organizationId] }),
    index("memberships_org_idx").on(t.organizationId),
    index("memberships_role_idx").on(t.roleId),
  ],
);

/** The truth about every signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Set when the user's privileges changed elsewhere: the next request gets a new session id. */
    rotationPending: boolean("rotation_pending").notNull().default(false),
    /** Password proven, second factor not yet: such a session reaches nothing but the MFA pages. */
    mfaPending: boolean("mfa_pending").notNull().default(false),
    /** Last successful second factor (sign-in or step-up); sensitive actions want it recent. */
    mfaVerifiedAt: timestamp("mfa_verified_at", { withTimezone: true }),
    /** Opened by single sign-on (lib/sso): "SSO required" ends the sessions that were not. */
    viaSso: boolean("via_sso").notNull().default(false),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const AUTH_TOKEN_PURPOSES = ["verify_email", "reset_password", "unlock_account"] as const;
export type AuthTokenPurpose = (typeof AUTH_TOKEN_PURPOSES)[number];

/** Single-use e-mailed links. Only the SHA-256 of the token is stored. */
export const authTokens = pgTable(
  "auth_tokens",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: AUTH_TOKEN_PURPOSES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("auth_tokens_hash_key").on(t.tokenHash),
    index("auth_tokens_user_idx").on(t.userId, t.purpose).where(sql`used_at is null`),
  ],
);

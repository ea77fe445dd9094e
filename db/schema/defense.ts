import { randomUUID } from "node:crypto";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./identity";

export const AUTH_FAILURE_KINDS = ["password", "totp", "webauthn", "recovery_code", "ssh_key"] as const;
export type AuthFailureKind = (typeof AUTH_FAILURE_KINDS)[number];

/**
 * Brute-force state of one account (lib/defense). Kept in the database, so a restart or another
 * server does not forget a lock. `suspended_at` is the account-wide sign-in suspension after many
 * failures, not the per-organization membership suspension of RBAC.
 */
export const accountDefense = pgTable(
  "account_defense",
  {
    userId: uuid("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** 0 = not locked; n = the n-th lock in a row (waits 1, 2, 4, 8, 15, 15... minutes). */
    lockLevel: integer("lock_level").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    suspendedAt: timestamp("suspended_at", { withTimezone: true }),
    lastFailureAt: timestamp("last_failure_at", { withTimezone: true }),
    /** Failures before the last unlock no longer count towards suspension. */
    unlockedAt: timestamp("unlocked_at", { withTimezone: true }),
  },
  (t) => [index("account_defense_locked_idx").on(t.lockedUntil), index("account_defense_suspended_idx").on(t.suspendedAt)],
);

/** Every failed sign-in step: per account (24-hour window) and per IP across accounts (1-hour window). */
export const authFailures = pgTable(
  "auth_failures",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    /** Null for an unknown e-mail: only the IP counts then. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    ip: text("ip"),
    kind: text("kind", { enum: AUTH_FAILURE_KINDS }).notNull(),
    /**
     * For an unknown e-mail only: its SHA-256 (lower-cased), so the address "locks" exactly like a
     * real account would and the lock-out does not tell which addresses have accounts.
     */
    emailHash: text("email_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("auth_failures_user_idx").on(t.userId, t.createdAt),
    index("auth_failures_ip_idx").on(t.ip, t.createdAt),
    index("auth_failures_email_idx").on(t.emailHash, t.createdAt),
  ],
);

/** Automatic IP blocks: how often an address was blocked, so repeat offenders wait longer (1 h, 2 h, 4 h...). */
export const ipBlocks = pgTable("ip_blocks", {
  ip: text("ip").primaryKey(),
  blocks: integer("blocks").notNull().default(0),
  lastBlockedAt: timestamp("last_blocked_at", { withTimezone: true }).notNull(),
  blockedUntil: timestamp("blocked_until", { withTimezone: true }).notNull(),
  /** The deny rule lib/firewall created for the current block. */
  firewallRuleId: text("firewall_rule_id"),
});

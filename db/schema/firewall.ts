import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./identity";

export const FIREWALL_SCOPES = ["global", "organization"] as const;
export type FirewallScope = (typeof FIREWALL_SCOPES)[number];
export const FIREWALL_ACTIONS = ["allow", "deny"] as const;
export type FirewallAction = (typeof FIREWALL_ACTIONS)[number];

/**
 * Network rules (lib/firewall). Global rules (operators, or the system's automatic IP blocks) apply
 * to every request in the middleware; organization rules apply to that organization's sessions:
 * any allow rule turns the organization's rules into an allow-list. `cidr` is stored normalised
 * (host bits cleared, IPv4-mapped IPv6 written as IPv4), so equal networks compare equal.
 */
export const firewallRules = pgTable(
  "firewall_rules",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    scope: text("scope", { enum: FIREWALL_SCOPES }).notNull(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    cidr: text("cidr").notNull(),
    action: text("action", { enum: FIREWALL_ACTIONS }).notNull(),
    reason: text("reason").notNull(),
    /** Null: until removed. An expired rule is ignored (and no longer loaded). */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Null: added by the system (automatic IP blocks). */
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("firewall_rules_org_idx").on(t.organizationId),
    check(
      "firewall_rules_scope_org",
      sql`(${t.scope} = 'global' AND ${t.organizationId} IS NULL) OR (${t.scope} = 'organization' AND ${t.organizationId} IS NOT NULL)`,
    ),
  ],
);

/**
 * One row (id 1): bumped in the same transaction as every rule change. Each server re-reads only
 * this number every few seconds and reloads the rules when it moved.
 */
export const firewallState = pgTable(
  "firewall_state",
  {
    id: integer("id").primaryKey(),
    version: bigint("version", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("firewall_state_single_row", sql`${t.id} = 1`)],
);

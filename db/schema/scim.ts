import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./identity";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/**
 * SCIM bearer tokens (lib/scim). A token names its organization: that is the only way a SCIM
 * request gets one. Only the token's SHA-256 is stored; `hint` is its last characters, for people.
 */
export const scimTokens = pgTable(
  "scim_tokens",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    hint: text("hint").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    lastUsedIp: text("last_used_ip"),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("scim_tokens_hash_key").on(t.tokenHash), index("scim_tokens_org_idx").on(t.organizationId)],
);

/**
 * What the organization's directory says about one of its members (RFC 7643 User). Per
 * organization, because a ChargeKeep user may belong to several organizations and one directory
 * must not rewrite what another sees. Deleting the SCIM user deletes this row (the membership stays,
 * suspended). The SCIM id is the ChargeKeep user id.
 */
export const scimUsers = pgTable(
  "scim_users",
  {
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    userName: text("user_name").notNull(),
    externalId: text("external_id"),
    displayName: text("display_name"),
    givenName: text("given_name"),
    familyName: text("family_name"),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    uniqueIndex("scim_users_org_user_name_key").on(t.organizationId, sql`lower(${t.userName})`),
    uniqueIndex("scim_users_org_external_id_key").on(t.organizationId, t.externalId).where(sql`external_id is not null`),
  ],
);

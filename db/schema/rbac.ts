import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./identity";

const id = () => uuid("id").primaryKey().$defaultFn(() => randomUUID());
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/**
 * Roles per organization, in a tree: `parent_id` is the next more senior role (null at the top).
 * A role holds its own grants plus everything of the roles below it.
 */
export const roles = pgTable(
  "roles",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    /** owner/admin/accountant/member/viewer for built-in roles; null for custom ones. */
    key: text("key"),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    parentId: uuid("parent_id").references((): AnyPgColumn => roles.id, { onDelete: "restrict" }),
    builtIn: boolean("built_in").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("roles_org_name_key").on(t.organizationId, t.name), index("roles_parent_idx").on(t.parentId)],
);

export const rolePermissions = pgTable(
  "role_permissions",
  {
    roleId: uuid("role_id").notNull().references(() => roles.id, { onDelete: "cascade" }),
    permission: text("permission").notNull(),
  },
  (t) => [primaryKey({ columns: [t.roleId, t.permission] })],
);

/**
 * Teams: members of a group hold the group's roles in addition to their own. A directory-managed
 * group is pushed by the organization's identity provider over SCIM (lib/scim): its name and
 * members are the directory's, only its roles (the owner's mapping on /admin/scim) are ours.
 */
export const groups = pgTable(
  "groups",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    directoryManaged: boolean("directory_managed").notNull().default(false),
    /** The directory's own id for the group (SCIM externalId), when it sent one. */
    externalId: text("external_id"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("groups_org_name_key").on(t.organizationId, t.name),
    uniqueIndex("groups_org_external_id_key").on(t.organizationId, t.externalId).where(sql`external_id is not null`),
  ],
);

export const groupMembers = pgTable(
  "group_members",
  {
    groupId: uuid("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);

export const groupRoles = pgTable(
  "group_roles",
  {
    groupId: uuid("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
    roleId: uuid("role_id").notNull().references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.roleId] })],
);

/** E-mailed invitations: single-use, expiring, only the token's SHA-256 stored. */
export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    roleId: uuid("role_id").notNull().references(() => roles.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("invitations_token_key").on(t.tokenHash), index("invitations_org_idx").on(t.organizationId)],
);

import "server-only";
import SCIMMY from "scimmy";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { groupMembers, groups, memberships, scimUsers, users } from "@/db/schema";
import { markSessionsForRotation } from "@/lib/auth";
import { now } from "@/lib/clock";
import type { RequestMeta } from "@/lib/http";
import { applyReactivation, applySuspension, loadRoleTree } from "@/lib/rbac";
import { recordScimEvent, type ScimActor } from "./audit";
import { scimError } from "./errors";
import { parseScimFilter, type Page } from "./filter";
import { scimBase } from "./resources";
import { applyPatch, coerceIn, isUuid, patchMessageOf } from "./schema-io";

type Ctx = { db: Database; actor: ScimActor; meta: RequestMeta | null };

/** What ChargeKeep keeps of a SCIM User; the rest of an incoming resource is not stored. */
type UserFields = { userName: string; externalId: string | null; displayName: string | null; givenName: string | null; familyName: string | null; active: boolean; email: string };

type Row = Omit<UserFields, "email"> & { userId: string; email: string; createdAt: Date; updatedAt: Date };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const MAX_TEXT = 256;
/** A listing reads at most this many of the organization's SCIM users before filtering in memory. */
const MAX_SCAN = 10_000;

const rowColumns = {
  userId: scimUsers.userId,
  userName: scimUsers.userName,
  externalId: scimUsers.externalId,
  displayName: scimUsers.displayName,
  givenName: scimUsers.givenName,
  familyName: scimUsers.familyName,
  active: scimUsers.active,
  createdAt: scimUsers.createdAt,
  updatedAt: scimUsers.updatedAt,
  email: users.email,
};

async function directoryGroupsOf(db: Database, organizationId: string, userIds: string[]) {
  if (!userIds.length) return [];
  return db
    .select({ userId: groupMembers.userId, id: groups.id, name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(and(eq(groups.organizationId, organizationId), eq(groups.directoryManaged, true), inArray(groupMembers.userId, userIds)));
}

/** The RFC 7643 User a directory reads back. */
function toScim(row: Row, memberOf: { id: string; name: string }[]) {
  const name = row.givenName || row.familyName ? { givenName: row.givenName ?? undefined, familyName: row.familyName ?? undefined } : undefined;
  return {
    schemas: [SCIMMY.Schemas.User.id],
    id: row.userId,
    externalId: row.externalId ?? undefined,
    userName: row.userName,
    displayName: row.displayName ?? undefined,
    name,
    active: row.active,
    emails: [{ value: row.email, type: "work", primary: true }],
    groups: memberOf.map((g) => ({ value: g.id, display: g.name, $ref: `${scimBase()}/Groups/${g.id}` })),
    meta: { resourceType: "User", created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location: `${scimBase()}/Users/${row.userId}` },
  };
}

export type ScimUserResource = ReturnType<typeof toScim>;

const text = (v: unknown, what: string): string | null => {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") throw scimError(400, "invalidValue", `${what} must be text.`);
  if (v.length > MAX_TEXT) throw scimError(400, "invalidValue", `${what} is longer than ${MAX_TEXT} characters.`);
  return v.trim();
};

/**
 * The fields ChargeKeep stores, from a User that went through scimmy's schema. Roles and
 * entitlements are refused: what a member may do comes from the owner's group mappings only.
 */
function fieldsOf(resource: Record<string, unknown>): UserFields {
  for (const attribute of ["roles", "entitlements", "x509Certificates"]) {
    const v = resource[attribute];
    if (Array.isArray(v) ? v.length : v !== undefined) {
      throw scimError(400, "mutability", `ChargeKeep does not take ${attribute} from the directory: a member's role comes from the group mappings the owner set on the SCIM provisioning page.`);
    }
  }
  const userName = text(resource.userName, "userName");
  if (!userName) throw scimError(400, "invalidValue", "userName is required.");
  const emails = Array.isArray(resource.emails) ? (resource.emails as { value?: unknown; primary?: unknown }[]) : [];
  const primary = emails.find((e) => e.primary === true) ?? emails[0];
  const email = (text(primary?.value, "emails.value") ?? userName).toLowerCase();
  if (!EMAIL.test(email)) throw scimError(400, "invalidValue", "ChargeKeep needs an e-mail address: send userName as an e-mail address, or a primary entry in emails.");
  const name = (resource.name ?? {}) as Record<string, unknown>;
  return {
    userName,
    externalId: text(resource.externalId, "externalId"),
    displayName: text(resource.displayName, "displayName"),
    givenName: text(name.givenName, "name.givenName"),
    familyName: text(name.familyName, "name.familyName"),
    active: resource.active === undefined ? true : resource.active === true,
    email,
  };
}

function parseUser(body: unknown): UserFields {
  const resource = coerceIn(() => new SCIMMY.Schemas.User(body, "in"));
  return fieldsOf(resource as unknown as Record<string, unknown>);
}

async function loadRow(db: Database, organizationId: string, userId: string): Promise<Row | null> {
  if (!isUuid(userId)) return null;
  const [row] = await db
    .select(rowColumns)
    .from(scimUsers)
    .innerJoin(users, eq(users.id, scimUsers.userId))
    .where(and(eq(scimUsers.organizationId, organizationId), eq(scimUsers.userId, userId)));
  return row ?? null;
}

const notFound = (id: string) => scimError(404, null, `No user ${id.slice(0, 64)} in this organization's directory.`);

export async function getScimUser(c: Ctx, userId: string) {
  const row = await loadRow(c.db, c.actor.organizationId, userId);
  if (!row) throw notFound(userId);
  return toScim(row, await directoryGroupsOf(c.db, c.actor.organizationId, [row.userId]));
}

export async function listScimUsers(c: Ctx, filterText: string | null, page: Page) {
  const filter = parseScimFilter(filterText);
  const org = c.actor.organizationId;
  const exact = filter?.exact;
  const where = [eq(scimUsers.organizationId, org)];
  if (exact?.attribute === "userName") where.push(sql`lower(${scimUsers.userName}) = lower(${exact.value})`);
  else if (exact?.attribute === "externalId") where.push(eq(scimUsers.externalId, exact.value));
  else if (exact?.attribute === "id") where.push(isUuid(exact.value) ? eq(scimUsers.userId, exact.value) : sql`false`);
  const rows = await c.db
    .select(rowColumns)
    .from(scimUsers)
    .innerJoin(users, eq(users.id, scimUsers.userId))
    .where(and(...where))
    .orderBy(asc(scimUsers.createdAt), asc(scimUsers.userId))
    .limit(MAX_SCAN);
  const memberOf = await directoryGroupsOf(c.db, org, rows.map((r) => r.userId));
  let resources = rows.map((r) => toScim(r, memberOf.filter((g) => g.userId === r.userId)));
  if (filter && !exact) resources = filter.match(resources);
  return listResponse(resources, page);
}

export function listResponse<T>(resources: T[], page: Page) {
  const slice = resources.slice(page.startIndex - 1, page.startIndex - 1 + page.count);
  return { schemas: [SCIMMY.Messages.ListResponse.id], totalResults: resources.length, startIndex: page.startIndex, itemsPerPage: slice.length, Resources: slice };
}

/** The lowest role of the organization's tree (Viewer unless renamed): a directory user gets more only through mapped groups. */
async function entryRoleId(db: Database, organizationId: string): Promise<string> {
  const tree = await loadRoleTree(db, organizationId);
  const viewer = tree.find((r) => r.key === "viewer");
  if (viewer) return viewer.id;
  const leaf = tree.find((r) => !tree.some((o) => o.parentId === r.id));
  if (!leaf) throw new Error(`organization ${organizationId} has no roles`);
  return leaf.id;
}

async function assertUnique(db: Database, organizationId: string, f: UserFields, exceptUserId?: string) {
  const sameName = await db
    .select({ userId: scimUsers.userId })
    .from(scimUsers)
    .where(and(eq(scimUsers.organizationId, organizationId), sql`lower(${scimUsers.userName}) = lower(${f.userName})`));
  if (sameName.some((r) => r.userId !== exceptUserId)) throw scimError(409, "uniqueness", `A user with userName ${f.userName} already exists in this organization's directory.`);
  if (f.externalId) {
    const sameExternal = await db
      .select({ userId: scimUsers.userId })
      .from(scimUsers)
      .where(and(eq(scimUsers.organizationId, organizationId), eq(scimUsers.externalId, f.externalId)));
    if (sameExternal.some((r) => r.userId !== exceptUserId)) throw scimError(409, "uniqueness", `A user with externalId ${f.externalId} already exists in this organization's directory.`);
  }
}

/**
 * POST /Users. A new address becomes a ChargeKeep account with a membership in the token's
 * organization (the entry role; no password: the person signs in with SSO or sets one through
 * "forgot password"). An address that is already a member is linked. An address with an account
 * outside this organization is refused: a directory must not pull someone else's account in.
 */
export async function createScimUser(c: Ctx, body: unknown) {
  const f = parseUser(body);
  const org = c.actor.organizationId;
  const userId = await c.db.transaction(async (tx) => {
    await assertUnique(tx, org, f);
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, f.email));
    let linked = false;
    let id: string;
    if (existing) {
      const [member] = await tx.select({ status: memberships.status }).from(memberships).where(and(eq(memberships.userId, existing.id), eq(memberships.organizationId, org)));
      if (!member) {
        throw scimError(409, "uniqueness", `${f.email} already has a ChargeKeep account outside this organization. Invite the person from Members first; the directory then links to their membership.`);
      }
      const [taken] = await tx.select({ userId: scimUsers.userId }).from(scimUsers).where(and(eq(scimUsers.organizationId, org), eq(scimUsers.userId, existing.id)));
      if (taken) throw scimError(409, "uniqueness", `${f.email} is already provisioned by this organization's directory.`);
      id = existing.id;
      linked = true;
    } else {
      const displayName = f.displayName ?? ([f.givenName, f.familyName].filter(Boolean).join(" ") || f.email);
      const [created] = await tx.insert(users).values({ email: f.email, name: displayName }).returning({ id: users.id });
      id = created!.id;
      await tx.insert(memberships).values({ userId: id, organizationId: org, roleId: await entryRoleId(tx, org) });
    }
    await tx.insert(scimUsers).values({ organizationId: org, userId: id, userName: f.userName, externalId: f.externalId, displayName: f.displayName, givenName: f.givenName, familyName: f.familyName, active: f.active });
    await recordScimEvent(tx, c.actor, c.meta, {
      action: "scim.user_created",
      targetType: "user",
      targetId: id,
      reason: linked ? "The directory provisioned an existing member (linked)" : "The directory provisioned a new member",
      metadata: { userName: f.userName, linked },
    });
    if (!f.active) await deactivate(tx, c, id, "The directory provisioned the user as inactive (active: false)");
    return id;
  });
  return getScimUser(c, userId);
}

async function deactivate(tx: Database, c: Ctx, userId: string, reason: string) {
  await applySuspension(tx, c.actor.organizationId, userId);
  await recordScimEvent(tx, c.actor, c.meta, { action: "scim.user_deactivated", targetType: "user", targetId: userId, reason });
}

/** Writes the new state of an existing SCIM user (PUT, or PATCH after scimmy applied it). */
async function update(c: Ctx, current: Row, f: UserFields, how: "PUT" | "PATCH") {
  const org = c.actor.organizationId;
  await c.db.transaction(async (tx) => {
    await assertUnique(tx, org, f, current.userId);
    await tx
      .update(scimUsers)
      .set({ userName: f.userName, externalId: f.externalId, displayName: f.displayName, givenName: f.givenName, familyName: f.familyName, active: f.active, updatedAt: now() })
      .where(and(eq(scimUsers.organizationId, org), eq(scimUsers.userId, current.userId)));
    await recordScimEvent(tx, c.actor, c.meta, { action: "scim.user_updated", targetType: "user", targetId: current.userId, reason: `The directory changed the user (${how})`, metadata: { userName: f.userName } });
    if (current.active && !f.active) await deactivate(tx, c, current.userId, `The directory set active to false (${how})`);
    if (!current.active && f.active) {
      await applyReactivation(tx, org, current.userId);
      await recordScimEvent(tx, c.actor, c.meta, { action: "scim.user_reactivated", targetType: "user", targetId: current.userId, reason: `The directory set active to true (${how})` });
    }
  });
  return getScimUser(c, current.userId);
}

export async function replaceScimUser(c: Ctx, userId: string, body: unknown) {
  const current = await loadRow(c.db, c.actor.organizationId, userId);
  if (!current) throw notFound(userId);
  return update(c, current, parseUser(body), "PUT");
}

export async function patchScimUser(c: Ctx, userId: string, body: unknown) {
  const message = patchMessageOf(body);
  const current = await loadRow(c.db, c.actor.organizationId, userId);
  if (!current) throw notFound(userId);
  const { groups: _readOnly, meta: _meta, ...writable } = toScim(current, []);
  const resource = coerceIn(() => new SCIMMY.Schemas.User(writable, "in"));
  const patched = await applyPatch(message, resource);
  if (!patched) return getScimUser(c, userId); // nothing changed
  return update(c, current, fieldsOf(patched as unknown as Record<string, unknown>), "PATCH");
}

/**
 * DELETE /Users/:id. The membership stays, suspended (its history and audit trail matter), the
 * directory's record goes (a GET now answers 404), and so do the directory groups' memberships.
 */
export async function deleteScimUser(c: Ctx, userId: string) {
  const org = c.actor.organizationId;
  const current = await loadRow(c.db, org, userId);
  if (!current) throw notFound(userId);
  await c.db.transaction(async (tx) => {
    const directoryGroups = tx.select({ id: groups.id }).from(groups).where(and(eq(groups.organizationId, org), eq(groups.directoryManaged, true)));
    await tx.delete(groupMembers).where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, directoryGroups)));
    await tx.delete(scimUsers).where(and(eq(scimUsers.organizationId, org), eq(scimUsers.userId, userId)));
    await applySuspension(tx, org, userId);
    await markSessionsForRotation(tx, userId);
    await recordScimEvent(tx, c.actor, c.meta, { action: "scim.user_deleted", targetType: "user", targetId: userId, reason: "The directory deleted the user", metadata: { userName: current.userName } });
  });
}

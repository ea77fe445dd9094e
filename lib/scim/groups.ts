import "server-only";
import SCIMMY from "scimmy";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { groupMembers, groups, scimUsers, sessions, users } from "@/db/schema";
import type { RequestMeta } from "@/lib/http";
import { recordScimEvent, type ScimActor } from "./audit";
import { scimError } from "./errors";
import { parseScimFilter, type Page } from "./filter";
import { scimBase } from "./resources";
import { applyPatch, coerceIn, isUuid, patchMessageOf } from "./schema-io";
import { listResponse } from "./users";

type Ctx = { db: Database; actor: ScimActor; meta: RequestMeta | null };
type Fields = { displayName: string; externalId: string | null; memberIds: string[] };
type GroupRow = { id: string; name: string; externalId: string | null; createdAt: Date };

const MAX_NAME = 60;
const MAX_MEMBERS = 5_000;

/**
 * SCIM sees only directory-managed groups: a group the owner made in ChargeKeep (which may carry
 * Admin) is invisible here, so the directory can neither read nor join it.
 */
const scopeOf = (organizationId: string) => and(eq(groups.organizationId, organizationId), eq(groups.directoryManaged, true));

async function membersOf(db: Database, groupIds: string[]) {
  if (!groupIds.length) return [];
  return db
    .select({ groupId: groupMembers.groupId, userId: users.id, name: users.name })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(inArray(groupMembers.groupId, groupIds));
}

function toScim(g: GroupRow, members: { userId: string; name: string }[]) {
  return {
    schemas: [SCIMMY.Schemas.Group.id],
    id: g.id,
    externalId: g.externalId ?? undefined,
    displayName: g.name,
    members: members.map((m) => ({ value: m.userId, display: m.name, type: "User", $ref: `${scimBase()}/Users/${m.userId}` })),
    meta: { resourceType: "Group", created: g.createdAt.toISOString(), lastModified: g.createdAt.toISOString(), location: `${scimBase()}/Groups/${g.id}` },
  };
}

function fieldsOf(resource: Record<string, unknown>): Fields {
  const displayName = typeof resource.displayName === "string" ? resource.displayName.trim() : "";
  if (displayName.length < 1) throw scimError(400, "invalidValue", "displayName is required.");
  if (displayName.length > MAX_NAME) throw scimError(400, "invalidValue", `displayName is longer than ${MAX_NAME} characters.`);
  const externalId = typeof resource.externalId === "string" && resource.externalId ? resource.externalId.slice(0, 256) : null;
  const members = Array.isArray(resource.members) ? (resource.members as { value?: unknown }[]) : [];
  if (members.length > MAX_MEMBERS) throw scimError(400, "invalidValue", `A group can have at most ${MAX_MEMBERS} members.`);
  const memberIds = [...new Set(members.map((m) => m.value))];
  for (const id of memberIds) if (!isUuid(id)) throw scimError(400, "invalidValue", `Member ${String(id).slice(0, 64)} is not a user id of this organization's directory.`);
  return { displayName, externalId, memberIds: memberIds as string[] };
}

const parseGroup = (body: unknown) => fieldsOf(coerceIn(() => new SCIMMY.Schemas.Group(body, "in")) as unknown as Record<string, unknown>);

/** Members must be users this organization's directory provisioned: no reaching another tenant's user, or a member the directory does not own. */
async function assertMembersProvisioned(db: Database, organizationId: string, ids: string[]) {
  if (!ids.length) return;
  const known = await db.select({ userId: scimUsers.userId }).from(scimUsers).where(and(eq(scimUsers.organizationId, organizationId), inArray(scimUsers.userId, ids)));
  const knownIds = new Set(known.map((k) => k.userId));
  const unknown = ids.find((id) => !knownIds.has(id));
  if (unknown) throw scimError(400, "invalidValue", `Member ${unknown} is not a user of this organization's directory. Provision the user first.`);
}

async function loadGroup(db: Database, organizationId: string, id: string): Promise<GroupRow | null> {
  if (!isUuid(id)) return null;
  const [g] = await db
    .select({ id: groups.id, name: groups.name, externalId: groups.externalId, createdAt: groups.createdAt })
    .from(groups)
    .where(and(scopeOf(organizationId), eq(groups.id, id)));
  return g ?? null;
}

const notFound = (id: string) => scimError(404, null, `No group ${id.slice(0, 64)} in this organization's directory.`);

export async function getScimGroup(c: Ctx, id: string) {
  const g = await loadGroup(c.db, c.actor.organizationId, id);
  if (!g) throw notFound(id);
  return toScim(g, await membersOf(c.db, [g.id]));
}

export async function listScimGroups(c: Ctx, filterText: string | null, page: Page, withMembers: boolean) {
  const filter = parseScimFilter(filterText);
  const exact = filter?.exact;
  const where = [scopeOf(c.actor.organizationId)];
  if (exact?.attribute === "displayName") where.push(eq(groups.name, exact.value));
  else if (exact?.attribute === "externalId") where.push(eq(groups.externalId, exact.value));
  else if (exact?.attribute === "id") where.push(isUuid(exact.value) ? eq(groups.id, exact.value) : sql`false`);
  const rows = await c.db
    .select({ id: groups.id, name: groups.name, externalId: groups.externalId, createdAt: groups.createdAt })
    .from(groups)
    .where(and(...where))
    .orderBy(asc(groups.createdAt), asc(groups.id))
    .limit(10_000);
  const members = withMembers ? await membersOf(c.db, rows.map((r) => r.id)) : [];
  let resources = rows.map((g) => toScim(g, members.filter((m) => m.groupId === g.id)));
  if (filter && !exact) resources = filter.match(resources);
  return listResponse(resources, page);
}

async function assertNameFree(db: Database, organizationId: string, f: Fields, exceptId?: string) {
  const [sameName] = await db.select({ id: groups.id }).from(groups).where(and(eq(groups.organizationId, organizationId), eq(groups.name, f.displayName)));
  if (sameName && sameName.id !== exceptId) throw scimError(409, "uniqueness", `A group named ${f.displayName} already exists in this organization.`);
  if (f.externalId) {
    const [sameExternal] = await db.select({ id: groups.id }).from(groups).where(and(eq(groups.organizationId, organizationId), eq(groups.externalId, f.externalId)));
    if (sameExternal && sameExternal.id !== exceptId) throw scimError(409, "uniqueness", `A group with externalId ${f.externalId} already exists in this organization.`);
  }
}

/** Members whose groups changed get a new session id on their next request (their permissions changed). */
async function rotate(db: Database, userIds: string[]) {
  if (userIds.length) await db.update(sessions).set({ rotationPending: true }).where(inArray(sessions.userId, userIds));
}

export async function createScimGroup(c: Ctx, body: unknown) {
  const f = parseGroup(body);
  const org = c.actor.organizationId;
  const id = await c.db.transaction(async (tx) => {
    await assertNameFree(tx, org, f);
    await assertMembersProvisioned(tx, org, f.memberIds);
    const [g] = await tx.insert(groups).values({ organizationId: org, name: f.displayName, externalId: f.externalId, directoryManaged: true, description: "Provisioned by the directory (SCIM)." }).returning({ id: groups.id });
    if (f.memberIds.length) await tx.insert(groupMembers).values(f.memberIds.map((userId) => ({ groupId: g!.id, userId })));
    await rotate(tx, f.memberIds);
    await recordScimEvent(tx, c.actor, c.meta, { action: "scim.group_created", targetType: "group", targetId: g!.id, reason: "The directory created the group", metadata: { name: f.displayName, members: f.memberIds.length } });
    return g!.id;
  });
  return getScimGroup(c, id);
}

async function update(c: Ctx, current: GroupRow, f: Fields, how: "PUT" | "PATCH") {
  const org = c.actor.organizationId;
  await c.db.transaction(async (tx) => {
    await assertNameFree(tx, org, f, current.id);
    await assertMembersProvisioned(tx, org, f.memberIds);
    const before = (await tx.select({ userId: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, current.id))).map((r) => r.userId);
    const added = f.memberIds.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !f.memberIds.includes(id));
    await tx.update(groups).set({ name: f.displayName, externalId: f.externalId }).where(eq(groups.id, current.id));
    if (removed.length) await tx.delete(groupMembers).where(and(eq(groupMembers.groupId, current.id), inArray(groupMembers.userId, removed)));
    if (added.length) await tx.insert(groupMembers).values(added.map((userId) => ({ groupId: current.id, userId }))).onConflictDoNothing();
    await rotate(tx, [...added, ...removed]);
    await recordScimEvent(tx, c.actor, c.meta, {
      action: "scim.group_updated",
      targetType: "group",
      targetId: current.id,
      reason: `The directory changed the group (${how})`,
      metadata: { name: f.displayName, added: added.length, removed: removed.length, addedUsers: added.slice(0, 20).join(","), removedUsers: removed.slice(0, 20).join(",") },
    });
  });
  return getScimGroup(c, current.id);
}

export async function replaceScimGroup(c: Ctx, id: string, body: unknown) {
  const current = await loadGroup(c.db, c.actor.organizationId, id);
  if (!current) throw notFound(id);
  return update(c, current, parseGroup(body), "PUT");
}

export async function patchScimGroup(c: Ctx, id: string, body: unknown) {
  const message = patchMessageOf(body);
  const current = await loadGroup(c.db, c.actor.organizationId, id);
  if (!current) throw notFound(id);
  const { meta: _meta, ...writable } = toScim(current, await membersOf(c.db, [current.id]));
  const resource = coerceIn(() => new SCIMMY.Schemas.Group(writable, "in"));
  const patched = await applyPatch(message, resource);
  if (!patched) return getScimGroup(c, id);
  return update(c, current, fieldsOf(patched as unknown as Record<string, unknown>), "PATCH");
}

export async function deleteScimGroup(c: Ctx, id: string) {
  const current = await loadGroup(c.db, c.actor.organizationId, id);
  if (!current) throw notFound(id);
  await c.db.transaction(async (tx) => {
    const members = (await tx.select({ userId: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, id))).map((r) => r.userId);
    await rotate(tx, members);
    await tx.delete(groups).where(eq(groups.id, id));
    await recordScimEvent(tx, c.actor, c.meta, { action: "scim.group_deleted", targetType: "group", targetId: id, reason: "The directory deleted the group", metadata: { name: current.name } });
  });
}

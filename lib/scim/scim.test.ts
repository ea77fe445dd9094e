import { generateKeyPairSync } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import * as GroupRoute from "@/app/api/scim/v2/Groups/[id]/route";
import * as GroupsRoute from "@/app/api/scim/v2/Groups/route";
import * as ResourceTypesRoute from "@/app/api/scim/v2/ResourceTypes/route";
import * as SchemasRoute from "@/app/api/scim/v2/Schemas/route";
import * as ServiceProviderConfigRoute from "@/app/api/scim/v2/ServiceProviderConfig/route";
import * as UserRoute from "@/app/api/scim/v2/Users/[id]/route";
import * as UsersRoute from "@/app/api/scim/v2/Users/route";
import { getDb } from "@/db";
import { groupRoles, memberships, scimTokens, sessions } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { consume, policies, resetRateLimitsForTests } from "@/lib/ratelimit";
import { addGroupMember, saveGroup } from "@/lib/rbac";
import { mapDirectoryGroup, revokeScimToken } from "@/lib/scim";
import { addSshKey } from "@/lib/sftp";
import { checkKeyAccess } from "@/lib/sftp/authenticate";
import { expectAudited } from "@/tests/audit";
import { stubEnv } from "@/tests/env";
import { makeSession, makeSteppedUpSession, makeUser, roleIdOf } from "@/tests/factories";
import { GROUP_SCHEMA, orgWithScimToken, PATCH_SCHEMA, scimCall, scimUserBody } from "@/tests/scim";

const db = () => getDb();
const email = () => `scim-${crypto.randomUUID()}@example.test`;

beforeEach(() => {
  stubEnv({ TRUST_PROXY: "vercel" });
  resetRateLimitsForTests();
});

async function provision(token: string, address = email(), extra: Record<string, unknown> = {}) {
  const res = await scimCall(UsersRoute.POST, { token, method: "POST", body: scimUserBody(address, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body!.id as string, email: address, res };
}

async function sessionCount(userId: string, organizationId: string) {
  return (await db().select().from(sessions).where(and(eq(sessions.userId, userId), eq(sessions.organizationId, organizationId)))).length;
}

describe("SCIM Users", () => {
  it("V13.2.1 V16.3.3 creates, reads and lists users by userName and externalId, with pagination", async () => {
    const o = await orgWithScimToken();
    const a = await provision(o.token);
    const b = await provision(o.token);
    expect(a.res.headers.get("content-type")).toBe("application/scim+json");
    expect(a.res.headers.get("location")).toBe(`http://localhost:3000/api/scim/v2/Users/${a.id}`);
    expect(a.res.body).toMatchObject({ userName: a.email, active: true, emails: [{ value: a.email, primary: true }], meta: { resourceType: "User" } });
    await expectAudited(db(), { action: "scim.user_created", organizationId: o.organizationId, targetId: a.id, metadata: { actorKind: "scim", scimClient: "Okta", linked: false } });
    await expectAudited(db(), { action: "scim_token.used", organizationId: o.organizationId, targetId: o.tokenId });
    const [membership] = await db().select().from(memberships).where(and(eq(memberships.userId, a.id), eq(memberships.organizationId, o.organizationId)));
    expect(membership?.roleId).toBe(await roleIdOf(o.organizationId, "viewer"));

    const one = await scimCall(UserRoute.GET, { token: o.token, params: { id: a.id } });
    expect(one.body).toMatchObject({ id: a.id, userName: a.email, name: { givenName: "Ada", familyName: "Lovelace" } });

    const byName = await scimCall(UsersRoute.GET, { token: o.token, path: `/Users?filter=${encodeURIComponent(`userName eq "${a.email.toUpperCase()}"`)}` });
    expect(byName.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: 1 });
    expect(byName.body!.Resources![0]!.id).toBe(a.id);
    const byExternal = await scimCall(UsersRoute.GET, { token: o.token, path: `/Users?filter=${encodeURIComponent(`externalId eq "ext-${b.email}"`)}` });
    expect(byExternal.body!.Resources!.map((r) => r.id)).toEqual([b.id]);
    const page2 = await scimCall(UsersRoute.GET, { token: o.token, path: "/Users?startIndex=2&count=1" });
    expect(page2.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
    expect(page2.body!.Resources![0]!.id).toBe(b.id);
    const none = await scimCall(UsersRoute.GET, { token: o.token, path: `/Users?filter=${encodeURIComponent('userName eq "nobody@example.test"')}` });
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it("V7.4.2 V16.3.3 active: false suspends the member at once, ends their sessions and records who and why", async () => {
    const o = await orgWithScimToken();
    const member = await makeUser({ organizationId: o.organizationId, role: "member" });
    const { token: browser } = await makeSession(member.user.id, o.organizationId);
    const linked = await provision(o.token, member.email);
    expect(linked.id).toBe(member.user.id);
    await expectAudited(db(), { action: "scim.user_created", targetId: member.user.id, metadata: { linked: true } });
    expect(await validateSessionToken(db(), browser)).not.toBeNull();

    const res = await scimCall(UserRoute.PATCH, {
      token: o.token,
      method: "PATCH",
      params: { id: member.user.id },
      body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "active", value: false }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ active: false });
    // Entra ID's "False" (a string) means the same; a second deactivation changes nothing
    const entra = await scimCall(UserRoute.PATCH, { token: o.token, method: "PATCH", params: { id: member.user.id }, body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "Replace", path: "active", value: "False" }] } });
    expect(entra.body).toMatchObject({ active: false });
    const [m] = await db().select().from(memberships).where(and(eq(memberships.userId, member.user.id), eq(memberships.organizationId, o.organizationId)));
    expect(m?.status).toBe("suspended");
    expect(await validateSessionToken(db(), browser)).toBeNull();
    expect(await sessionCount(member.user.id, o.organizationId)).toBe(0);
    const event = await expectAudited(db(), {
      action: "scim.user_deactivated",
      organizationId: o.organizationId,
      targetId: member.user.id,
      metadata: { actorKind: "scim", scimClient: "Okta", scimClientId: o.tokenId, reason: "The directory set active to false (PATCH)" },
    });
    expect(event.actorUserId).toBeNull();

    // and back: active: true lifts the directory's suspension
    const back = await scimCall(UserRoute.PUT, { token: o.token, method: "PUT", params: { id: member.user.id }, body: scimUserBody(member.email, { active: true }) });
    expect(back.status).toBe(200);
    await expectAudited(db(), { action: "scim.user_reactivated", targetId: member.user.id });
    await expectAudited(db(), { action: "scim.user_updated", targetId: member.user.id });
    const [after] = await db().select().from(memberships).where(and(eq(memberships.userId, member.user.id), eq(memberships.organizationId, o.organizationId)));
    expect(after?.status).toBe("active");
  });

  it("V7.4.2 DELETE suspends the member, forgets the directory's record (404 after) and is audited", async () => {
    const o = await orgWithScimToken();
    const u = await provision(o.token);
    const { token: browser } = await makeSession(u.id, o.organizationId);
    const del = await scimCall(UserRoute.DELETE, { token: o.token, method: "DELETE", params: { id: u.id } });
    expect(del.status).toBe(204);
    expect(await validateSessionToken(db(), browser)).toBeNull();
    const [m] = await db().select().from(memberships).where(and(eq(memberships.userId, u.id), eq(memberships.organizationId, o.organizationId)));
    expect(m?.status).toBe("suspended");
    expect((await scimCall(UserRoute.GET, { token: o.token, params: { id: u.id } })).status).toBe(404);
    await expectAudited(db(), { action: "scim.user_deleted", organizationId: o.organizationId, targetId: u.id, metadata: { reason: "The directory deleted the user" } });
  });

  it("V8.4.1 refuses to pull in an account that belongs to another organization (409 uniqueness)", async () => {
    const o = await orgWithScimToken();
    const outsider = await makeUser();
    const res = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", body: scimUserBody(outsider.email) });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "409", scimType: "uniqueness" });
    expect(await db().select().from(memberships).where(and(eq(memberships.userId, outsider.user.id), eq(memberships.organizationId, o.organizationId)))).toEqual([]);
    const dup = await provision(o.token);
    const again = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", body: scimUserBody(dup.email) });
    expect(again.body).toMatchObject({ status: "409", scimType: "uniqueness" });
  });

  it("V2.2.1 V4.1.1 malformed filters and bodies get 400 with the SCIM error schema and a scimType", async () => {
    const o = await orgWithScimToken();
    const u = await provision(o.token);
    for (const filter of ["userName eq", '"x" eq userName', "userName zz \"x\"", "((((", "userName eq \"a\" extra"]) {
      const res = await scimCall(UsersRoute.GET, { token: o.token, path: `/Users?filter=${encodeURIComponent(filter)}` });
      expect(res.status, filter).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/scim+json");
      expect(res.body, filter).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "invalidFilter" });
      expect(typeof res.body!.detail).toBe("string");
    }
    expect((await scimCall(UsersRoute.GET, { token: o.token, path: "/Users?count=lots" })).body).toMatchObject({ status: "400", scimType: "invalidValue" });
    const cases: [unknown, string][] = [
      [{ Operations: [{ op: "frobnicate", path: "active", value: false }], schemas: [PATCH_SCHEMA] }, "invalidSyntax"],
      [{ Operations: [{ op: "replace", path: "active", value: false }], schemas: ["urn:wrong"] }, "invalidSyntax"],
      [{ schemas: [PATCH_SCHEMA] }, "invalidValue"],
      [{ schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "active", value: "soon" }] }, "invalidValue"],
      [{ schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "no[such", value: 1 }] }, "invalidPath"],
    ];
    for (const [body, scimType] of cases) {
      const res = await scimCall(UserRoute.PATCH, { token: o.token, method: "PATCH", params: { id: u.id }, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body!.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
      expect(typeof res.body!.scimType, JSON.stringify(res.body)).toBe("string");
      expect(res.body!.scimType, JSON.stringify(res.body)).toBe(scimType);
    }
    const notJson = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", rawBody: '{"userName":' });
    expect(notJson.body).toMatchObject({ status: "400", scimType: "invalidSyntax" });
    const noUserName = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], active: true } });
    expect(noUserName.body).toMatchObject({ status: "400", scimType: "invalidValue" });
    const notAnEmail = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "not-an-address" } });
    expect(notAnEmail.body).toMatchObject({ status: "400", scimType: "invalidValue" });
    const nul = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", rawBody: JSON.stringify(scimUserBody(email(), { displayName: "a\u0000b" })) });
    expect(nul.status).toBe(400);
  });

  it("V8.2.3 the directory cannot set roles: PATCH or POST with roles is refused and the member keeps their role", async () => {
    const o = await orgWithScimToken();
    const u = await provision(o.token);
    const before = await db().select().from(memberships).where(eq(memberships.userId, u.id));
    const patch = await scimCall(UserRoute.PATCH, {
      token: o.token,
      method: "PATCH",
      params: { id: u.id },
      body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "add", path: "roles", value: [{ value: "owner" }] }] },
    });
    expect(patch.status).toBe(400);
    expect(patch.body).toMatchObject({ scimType: "mutability" });
    const post = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", body: scimUserBody(email(), { roles: [{ value: "admin" }] }) });
    expect(post.body).toMatchObject({ status: "400", scimType: "mutability" });
    expect(await db().select().from(memberships).where(eq(memberships.userId, u.id))).toEqual(before);
  });
});

describe("SCIM tokens", () => {
  it("V13.2.1 V16.3.2 a missing, unknown or revoked token is refused with 401 and audited; the revocation is audited", async () => {
    const o = await orgWithScimToken();
    const [stored] = await db().select().from(scimTokens).where(eq(scimTokens.id, o.tokenId));
    expect(stored!.tokenHash).not.toContain(o.token.slice(7, 20));
    expect(stored!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    await expectAudited(db(), { action: "scim_token.created", organizationId: o.organizationId, actorUserId: o.owner.user.id, targetId: o.tokenId });

    const missing = await scimCall(UsersRoute.GET, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect(missing.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    expect((await scimCall(UsersRoute.GET, { token: `${o.token}x` })).status).toBe(401);

    await revokeScimToken(db(), o.ctx, o.tokenId, o.meta);
    await expectAudited(db(), { action: "scim_token.revoked", organizationId: o.organizationId, actorUserId: o.owner.user.id, targetId: o.tokenId });
    const revoked = await scimCall(UsersRoute.POST, { token: o.token, method: "POST", body: scimUserBody(email()) });
    expect(revoked.status).toBe(401);
    expect(revoked.body!.detail).toMatch(/revoked/);
    await expectAudited(db(), { action: "scim.auth_failed", organizationId: o.organizationId, result: "denied", targetId: o.tokenId, metadata: { reason: "The SCIM token was revoked" } });
  });

  it("V6.3.1 V2.4.1 guessing tokens from one address is cut off with 429 (SCIM error schema, Retry-After)", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const limit = policies["scim-auth-ip"].limit;
    for (let i = 0; i < limit; i++) {
      const res = await scimCall(UsersRoute.GET, { token: `ckscim_${crypto.randomUUID()}`, ip });
      expect(res.status).toBe(401);
    }
    const blocked = await scimCall(UsersRoute.GET, { token: `ckscim_${crypto.randomUUID()}`, ip });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" });
    await expectAudited(db(), { action: "scim.auth_failed", organizationId: null, result: "denied", metadata: { reason: "The SCIM token is not valid" } });
  });

  it("V2.4.1 each token has its own rate limit", async () => {
    const o = await orgWithScimToken();
    const other = await orgWithScimToken();
    for (let i = 0; i < policies["scim-token"].limit; i++) await consume("scim-token", o.tokenId);
    const res = await scimCall(UsersRoute.GET, { token: o.token });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ status: "429" });
    expect((await scimCall(UsersRoute.GET, { token: other.token })).status).toBe(200);
  });

  it("V8.4.1 V8.2.2 a token of another organization reaches none of this organization's users or groups", async () => {
    const a = await orgWithScimToken();
    const b = await orgWithScimToken();
    const user = await provision(a.token);
    const group = await scimCall(GroupsRoute.POST, { token: a.token, method: "POST", body: { schemas: [GROUP_SCHEMA], displayName: "Finance", members: [{ value: user.id }] } });
    const groupId = group.body!.id as string;
    const p = { id: user.id };
    expect((await scimCall(UserRoute.GET, { token: b.token, params: p })).status).toBe(404);
    expect((await scimCall(UserRoute.PATCH, { token: b.token, method: "PATCH", params: p, body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "active", value: false }] } })).status).toBe(404);
    expect((await scimCall(UserRoute.PUT, { token: b.token, method: "PUT", params: p, body: scimUserBody(user.email, { active: false }) })).status).toBe(404);
    expect((await scimCall(UserRoute.DELETE, { token: b.token, method: "DELETE", params: p })).status).toBe(404);
    const listed = await scimCall(UsersRoute.GET, { token: b.token, path: `/Users?filter=${encodeURIComponent(`userName eq "${user.email}"`)}` });
    expect(listed.body).toMatchObject({ totalResults: 0 });
    expect((await scimCall(GroupRoute.GET, { token: b.token, params: { id: groupId } })).status).toBe(404);
    expect((await scimCall(GroupRoute.DELETE, { token: b.token, method: "DELETE", params: { id: groupId } })).status).toBe(404);
    // nor can b put a's user into b's own group
    const stolen = await scimCall(GroupsRoute.POST, { token: b.token, method: "POST", body: { schemas: [GROUP_SCHEMA], displayName: "Grab", members: [{ value: user.id }] } });
    expect(stolen.status).toBe(400);
    expect(stolen.body).toMatchObject({ scimType: "invalidValue" });
    const [m] = await db().select().from(memberships).where(and(eq(memberships.userId, user.id), eq(memberships.organizationId, a.organizationId)));
    expect(m?.status).toBe("active");
  });
});

describe("SCIM Groups and role mappings", () => {
  it("V8.2.1 V16.3.3 groups become directory-managed groups; membership changes by PATCH are audited", async () => {
    const o = await orgWithScimToken();
    const u1 = await provision(o.token);
    const u2 = await provision(o.token);
    const created = await scimCall(GroupsRoute.POST, { token: o.token, method: "POST", body: { schemas: [GROUP_SCHEMA], displayName: "Engineering", externalId: "g-eng", members: [{ value: u1.id }] } });
    expect(created.status).toBe(201);
    const id = created.body!.id as string;
    await expectAudited(db(), { action: "scim.group_created", organizationId: o.organizationId, targetId: id, metadata: { actorKind: "scim", members: 1 } });
    const patched = await scimCall(GroupRoute.PATCH, {
      token: o.token,
      method: "PATCH",
      params: { id },
      body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "add", path: "members", value: [{ value: u2.id }] }, { op: "remove", path: `members[value eq "${u1.id}"]` }] },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((patched.body!.members as { value: string }[]).map((m) => m.value)).toEqual([u2.id]);
    await expectAudited(db(), { action: "scim.group_updated", targetId: id, metadata: { added: 1, removed: 1 } });
    const byName = await scimCall(GroupsRoute.GET, { token: o.token, path: `/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}&excludedAttributes=members` });
    expect(byName.body).toMatchObject({ totalResults: 1 });
    const user = await scimCall(UserRoute.GET, { token: o.token, params: { id: u2.id } });
    expect(user.body!.groups).toMatchObject([{ value: id, display: "Engineering" }]);

    // the admin group pages refuse to edit it
    await expect(saveGroup(db(), o.ctx, { name: "Renamed", roleIds: [] }, id)).rejects.toMatchObject({ status: 409, message: expect.stringContaining("directory") });
    await expect(addGroupMember(db(), o.ctx, id, o.owner.user.id)).rejects.toMatchObject({ status: 409 });

    const del = await scimCall(GroupRoute.DELETE, { token: o.token, method: "DELETE", params: { id } });
    expect(del.status).toBe(204);
    await expectAudited(db(), { action: "scim.group_deleted", targetId: id });
  });

  it("V8.2.1 V8.2.3 a directory group gives exactly the mapped role, never Owner, and the directory cannot reach the owner's own groups", async () => {
    const o = await orgWithScimToken();
    const u = await provision(o.token);
    const created = await scimCall(GroupsRoute.POST, { token: o.token, method: "POST", body: { schemas: [GROUP_SCHEMA], displayName: "Accounts", members: [{ value: u.id }] } });
    const groupId = created.body!.id as string;
    const accountant = await roleIdOf(o.organizationId, "accountant");
    await expect(mapDirectoryGroup(db(), o.ctx, groupId, await roleIdOf(o.organizationId, "owner"), o.meta)).rejects.toMatchObject({ status: 400 });
    await mapDirectoryGroup(db(), o.ctx, groupId, accountant, o.meta);
    await expectAudited(db(), { action: "scim.group_mapping_changed", actorUserId: o.owner.user.id, targetId: groupId, metadata: { roleId: accountant } });
    expect(await db().select().from(groupRoles).where(eq(groupRoles.groupId, groupId))).toEqual([{ groupId, roleId: accountant }]);

    const { token: browser } = await makeSession(u.id, o.organizationId);
    const ctx = (await validateSessionToken(db(), browser))!;
    expect(ctx.permissions.has("transfers:use")).toBe(true);
    expect(ctx.permissions.has("members:manage")).toBe(false);

    // An "Admins" group the owner made in ChargeKeep: invisible and unreachable for the directory.
    const adminsId = await saveGroup(db(), o.ctx, { name: "Admins", roleIds: [await roleIdOf(o.organizationId, "admin")] });
    expect((await scimCall(GroupRoute.GET, { token: o.token, params: { id: adminsId } })).status).toBe(404);
    const join = await scimCall(GroupRoute.PATCH, { token: o.token, method: "PATCH", params: { id: adminsId }, body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "add", path: "members", value: [{ value: u.id }] }] } });
    expect(join.status).toBe(404);
    const list = await scimCall(GroupsRoute.GET, { token: o.token, path: "/Groups" });
    expect(list.body!.Resources!.map((r) => r.displayName)).toEqual(["Accounts"]);
    const again = (await validateSessionToken(db(), browser))!;
    expect(again.permissions.has("members:manage")).toBe(false);
  });

  it("V8.2.1 a non-owner cannot change the mapping (security:manage)", async () => {
    const o = await orgWithScimToken();
    const u = await provision(o.token);
    const created = await scimCall(GroupsRoute.POST, { token: o.token, method: "POST", body: { schemas: [GROUP_SCHEMA], displayName: "Ops", members: [{ value: u.id }] } });
    const admin = await makeUser({ organizationId: o.organizationId, role: "admin" });
    const adminCtx = (await validateSessionToken(db(), (await makeSession(admin.user.id, o.organizationId)).token))!;
    await expect(mapDirectoryGroup(db(), adminCtx, created.body!.id as string, await roleIdOf(o.organizationId, "admin"), o.meta)).rejects.toMatchObject({ status: 403 });
  });
});

describe("SCIM discovery", () => {
  it("V4.1.1 ServiceProviderConfig, Schemas and ResourceTypes answer with SCIM JSON", async () => {
    const o = await orgWithScimToken();
    const config = await scimCall(ServiceProviderConfigRoute.GET, { token: o.token, path: "/ServiceProviderConfig" });
    expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 200 }, bulk: { supported: false } });
    const types = await scimCall(ResourceTypesRoute.GET, { token: o.token, path: "/ResourceTypes" });
    expect(types.body!.Resources!.map((r) => r.name).sort()).toEqual(["Group", "User"]);
    const schemas = await scimCall(SchemasRoute.GET, { token: o.token, path: "/Schemas" });
    expect(schemas.body!.Resources!.map((r) => r.id)).toEqual(expect.arrayContaining(["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group"]));
    expect((await scimCall(ServiceProviderConfigRoute.GET, { token: null })).status).toBe(401);
  });
});

describe("mass deprovisioning", () => {
  it("V16.3.3 many deactivations by the directory in a short window raise an alert", async () => {
    const o = await orgWithScimToken();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await provision(o.token)).id);
    for (const id of ids) {
      const res = await scimCall(UserRoute.PATCH, { token: o.token, method: "PATCH", params: { id }, body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", value: { active: false } }] } });
      expect(res.status).toBe(200);
    }
    const { settleAlertWork } = await import("@/lib/alerts");
    await settleAlertWork();
    const { alerts } = await import("@/db/schema");
    const raised = await db().select().from(alerts).where(and(eq(alerts.organizationId, o.organizationId), eq(alerts.rule, "mass_deprovisioning")));
    expect(raised).toHaveLength(1);
    expect(raised[0]!.detail).toContain("5 members");
    await expectAudited(db(), { action: "alert.raised", organizationId: o.organizationId });
  });
});

describe("SCIM under concurrency", () => {
  it("V2.2.1 two identity-provider retries creating the same user at once: one 201, one 409 uniqueness, never a 500", async () => {
    const o = await orgWithScimToken();
    const address = email();
    const results = await Promise.all([0, 1, 2].map(() => scimCall(UsersRoute.POST, { token: o.token, method: "POST", body: scimUserBody(address) })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ scimType: "uniqueness" });
  });
});

/** An ed25519 key as OpenSSH prints it, and its wire form (what an SFTP client offers). */
function ed25519Key() {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const lenPrefixed = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const wire = Buffer.concat([lenPrefixed(Buffer.from("ssh-ed25519")), lenPrefixed(raw)]);
  return { openssh: `ssh-ed25519 ${wire.toString("base64")} scim-test`, wire };
}

describe("SCIM deactivation and SFTP", () => {
  it("V7.4.2 a member the directory deactivates can no longer open SFTP with their key", async () => {
    const o = await orgWithScimToken();
    const accountant = await makeUser({ organizationId: o.organizationId, role: "accountant" });
    const ctx = (await validateSessionToken(db(), (await makeSteppedUpSession(accountant.user.id, o.organizationId)).token))!;
    const key = ed25519Key();
    await addSshKey(db(), ctx, o.meta, { name: "laptop", publicKey: key.openssh });
    const attempt = () => checkKeyAccess(db(), { username: o.organizationId, algo: "ssh-ed25519", data: key.wire, ip: "198.51.100.30" });
    expect((await attempt()).ok).toBe(true);

    await provision(o.token, accountant.email);
    const res = await scimCall(UserRoute.PATCH, { token: o.token, method: "PATCH", params: { id: accountant.user.id }, body: { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "active", value: false }] } });
    expect(res.status).toBe(200);
    expect(await attempt()).toMatchObject({ ok: false, reason: "membership suspended" });
  });
});


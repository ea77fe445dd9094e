import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { sessions } from "@/db/schema";
import { signIn, validateSessionToken, type SessionContext } from "@/lib/auth";
import { makeSession, makeSteppedUpSession, makeUser, roleIdOf, type BuiltInRole } from "@/tests/factories";
import { lastLinkTo } from "@/tests/outbox";
import {
  acceptInvitation,
  addGroupMember,
  changeMemberRole,
  createRole,
  deleteRole,
  explainMemberPermissions,
  forcePasswordReset,
  inviteMember,
  listMembers,
  reactivateMember,
  removeMember,
  revokeInvitation,
  saveGroup,
  suspendMember,
  updateRole,
} from "./index";

const db = () => getDb();

async function ctxOf(userId: string, organizationId: string): Promise<SessionContext & { token: string }> {
  const { token } = await makeSession(userId, organizationId);
  const ctx = await validateSessionToken(db(), token);
  if (!ctx) throw new Error("no session");
  return { ...ctx, token };
}

/**
 * The session of someone making RBAC changes: sensitive changes want a second factor from the
 * last few minutes (lib/mfa/step-up.test.ts proves the refusal without one), so the acting
 * admin here has just passed theirs and each test checks the rule it is about.
 */
async function actorCtxOf(userId: string, organizationId: string): Promise<SessionContext & { token: string }> {
  const { token } = await makeSteppedUpSession(userId, organizationId);
  const ctx = await validateSessionToken(db(), token);
  if (!ctx) throw new Error("no session");
  return { ...ctx, token };
}

/** An organization with an owner and one member per extra role requested. */
async function org(...roles: BuiltInRole[]) {
  const owner = await makeUser();
  const members = [];
  for (const role of roles) members.push(await makeUser({ organizationId: owner.organizationId, role }));
  return { owner, members, orgId: owner.organizationId, ownerCtx: await actorCtxOf(owner.user.id, owner.organizationId) };
}

describe("effective permissions in the session", () => {
  it("V8.2.1 each built-in role gets its own grants plus everything below it", async () => {
    const { orgId, members } = await org("admin", "viewer");
    const admin = await ctxOf(members[0]!.user.id, orgId);
    const viewer = await ctxOf(members[1]!.user.id, orgId);
    expect(admin.permissions.has("members:manage")).toBe(true);
    expect(admin.permissions.has("reports:read")).toBe(true); // from member, below admin
    expect(admin.permissions.has("security:manage")).toBe(false); // owner only
    expect([...viewer.permissions].sort()).toEqual(["bank_connections:read", "dashboard:read"]);
  });

  it("V8.2.2 a role change applies on the member's very next request and rotates their session", async () => {
    const { ownerCtx, members, orgId } = await org("viewer");
    const m = members[0]!;
    const before = await ctxOf(m.user.id, orgId);
    expect(before.permissions.has("reports:export")).toBe(false);
    await changeMemberRole(db(), ownerCtx, m.user.id, await roleIdOf(orgId, "accountant"));
    const after = await validateSessionToken(db(), before.token);
    expect(after?.permissions.has("reports:export")).toBe(true);
    expect(after?.organization.roleKey).toBe("accountant");
    expect(after?.session.rotationPending).toBe(true);
  });

  it("V8.2.1 group roles add to the member's own role", async () => {
    const { ownerCtx, members, orgId } = await org("viewer");
    const m = members[0]!;
    const groupId = await saveGroup(db(), ownerCtx, { name: "Auditors", roleIds: [await roleIdOf(orgId, "admin")] });
    await addGroupMember(db(), ownerCtx, groupId, m.user.id);
    const ctx = await ctxOf(m.user.id, orgId);
    expect(ctx.permissions.has("audit:read")).toBe(true);
    const explained = await explainMemberPermissions(db(), ownerCtx, m.user.id);
    const audit = explained.permissions.find((p) => p.permission === "audit:read");
    expect(audit?.sources).toEqual([{ via: "group Auditors (role Admin)", grantedBy: "directly" }]);
    const dash = explained.permissions.find((p) => p.permission === "dashboard:read");
    expect(dash?.sources.map((s) => s.via)).toContain("own role Viewer");
  });
});

describe("grant rules", () => {
  it("V8.2.1 nobody grants a permission they do not hold: an admin cannot make someone owner", async () => {
    const { members, orgId } = await org("admin", "member");
    const adminCtx = await actorCtxOf(members[0]!.user.id, orgId);
    await expect(changeMemberRole(db(), adminCtx, members[1]!.user.id, await roleIdOf(orgId, "owner"))).rejects.toMatchObject({ status: 403, code: "forbidden" });
  });

  it("V8.2.1 an admin cannot edit a role above their own or change the owner", async () => {
    const { owner, members, orgId } = await org("admin");
    const adminCtx = await actorCtxOf(members[0]!.user.id, orgId);
    await expect(changeMemberRole(db(), adminCtx, owner.user.id, await roleIdOf(orgId, "viewer"))).rejects.toMatchObject({ status: 403, code: "forbidden" });
    await expect(suspendMember(db(), adminCtx, owner.user.id)).rejects.toMatchObject({ status: 403, code: "forbidden" });
    await expect(
      updateRole(db(), adminCtx, await roleIdOf(orgId, "owner"), { name: "Owner", parentId: await roleIdOf(orgId, "admin"), permissions: [] }),
    ).rejects.toMatchObject({ status: 403, code: "forbidden" });
  });

  it("V8.2.1 a custom role cannot carry a permission its creator lacks", async () => {
    const { members, orgId } = await org("admin");
    const adminCtx = await actorCtxOf(members[0]!.user.id, orgId);
    await expect(
      createRole(db(), adminCtx, { name: "Sneaky", parentId: await roleIdOf(orgId, "member"), permissions: ["security:manage"] }),
    ).rejects.toMatchObject({ status: 403, code: "forbidden" });
    const id = await createRole(db(), adminCtx, { name: "Auditor", parentId: await roleIdOf(orgId, "member"), permissions: ["audit:read"] });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("V8.2.1 a member without roles:assign cannot change roles at all", async () => {
    const { members, orgId } = await org("member", "viewer");
    const memberCtx = await actorCtxOf(members[0]!.user.id, orgId);
    await expect(changeMemberRole(db(), memberCtx, members[1]!.user.id, await roleIdOf(orgId, "member"))).rejects.toMatchObject({ status: 403, code: "forbidden" });
  });

  it("V8.2.1 refuses a cycle in the role tree", async () => {
    const { ownerCtx, orgId } = await org();
    const admin = await roleIdOf(orgId, "admin");
    await expect(updateRole(db(), ownerCtx, admin, { name: "Admin", parentId: await roleIdOf(orgId, "viewer"), permissions: [] })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("V8.2.1 the last owner cannot be demoted or removed", async () => {
    const { owner, ownerCtx, orgId } = await org();
    await expect(changeMemberRole(db(), ownerCtx, owner.user.id, await roleIdOf(orgId, "admin"))).rejects.toMatchObject({ status: 409 });
    const second = await makeUser({ organizationId: orgId, role: "owner" });
    const secondCtx = await actorCtxOf(second.user.id, orgId);
    await changeMemberRole(db(), secondCtx, owner.user.id, await roleIdOf(orgId, "admin")); // two owners: allowed
    await expect(removeMember(db(), secondCtx, second.user.id)).rejects.toMatchObject({ status: 400 }); // not yourself
  });

  it("V8.2.1 a role in use cannot be deleted; an unused custom role can", async () => {
    const { ownerCtx, members, orgId } = await org("member");
    const roleId = await createRole(db(), ownerCtx, { name: "Temp", parentId: await roleIdOf(orgId, "member"), permissions: [] });
    await changeMemberRole(db(), ownerCtx, members[0]!.user.id, roleId);
    await expect(deleteRole(db(), ownerCtx, roleId)).rejects.toMatchObject({ status: 409 });
    await changeMemberRole(db(), ownerCtx, members[0]!.user.id, await roleIdOf(orgId, "member"));
    await deleteRole(db(), ownerCtx, roleId);
    await expect(deleteRole(db(), ownerCtx, await roleIdOf(orgId, "viewer"))).rejects.toMatchObject({ status: 409 });
  });
});

describe("tenant isolation", () => {
  it("V8.4.1 another organization's members, roles and groups read as not found", async () => {
    const a = await org("member");
    const b = await org("member");
    const foreignUser = b.members[0]!.user.id;
    await expect(suspendMember(db(), a.ownerCtx, foreignUser)).rejects.toMatchObject({ status: 404 });
    await expect(changeMemberRole(db(), a.ownerCtx, a.members[0]!.user.id, await roleIdOf(b.orgId, "admin"))).rejects.toMatchObject({ status: 404 });
    await expect(explainMemberPermissions(db(), a.ownerCtx, foreignUser)).rejects.toMatchObject({ status: 404 });
    const list = await listMembers(db(), a.ownerCtx);
    expect(list.members.map((m) => m.userId)).not.toContain(foreignUser);
  });
});

describe("suspension", () => {
  it("V6.3.5 V7.4.2 suspending ends the member's sessions at once and sign-in is refused with a clear message", async () => {
    const { ownerCtx, members, orgId } = await org("member");
    const m = members[0]!;
    const live = await ctxOf(m.user.id, orgId);
    await suspendMember(db(), ownerCtx, m.user.id);
    expect(await validateSessionToken(db(), live.token)).toBeNull();
    const attempt = await signIn(db(), { email: m.email, password: m.password, ip: null, userAgent: null });
    expect(attempt).toMatchObject({ ok: false, code: "suspended" });
    // a wrong password still says only "does not match": suspension is not confirmed without the password
    const wrong = await signIn(db(), { email: m.email, password: "nope-nope-nope-1", ip: null, userAgent: null });
    expect(wrong).toMatchObject({ ok: false, code: "invalid_credentials" });
    await reactivateMember(db(), ownerCtx, m.user.id);
    expect((await signIn(db(), { email: m.email, password: m.password, ip: null, userAgent: null })).ok).toBe(true);
  });

  it("V7.4.2 removing a member ends their sessions in that organization", async () => {
    const { ownerCtx, members, orgId } = await org("member");
    const live = await ctxOf(members[0]!.user.id, orgId);
    await removeMember(db(), ownerCtx, members[0]!.user.id);
    expect(await validateSessionToken(db(), live.token)).toBeNull();
    expect(await db().select().from(sessions).where(eq(sessions.userId, members[0]!.user.id))).toHaveLength(0);
  });

  it("V6.4.3 forcing a password reset stops the old password, ends sessions and mails a link", async () => {
    const { ownerCtx, members, orgId } = await org("member");
    const m = members[0]!;
    const live = await ctxOf(m.user.id, orgId);
    await forcePasswordReset(db(), ownerCtx, m.user.id);
    expect(await validateSessionToken(db(), live.token)).toBeNull();
    expect((await signIn(db(), { email: m.email, password: m.password, ip: null, userAgent: null })).ok).toBe(false);
    expect(lastLinkTo(m.email, "/reset-password")).toHaveLength(43);
  });
});

describe("invitations", () => {
  it("V6.4.1 an invitation creates the account once; the link cannot be replayed", async () => {
    const { ownerCtx, orgId } = await org();
    const email = `invitee-${crypto.randomUUID()}@example.test`;
    await inviteMember(db(), ownerCtx, { email, roleId: await roleIdOf(orgId, "accountant") });
    const token = lastLinkTo(email, "/invite");
    const { userId } = await acceptInvitation(db(), token, { name: "Ivy Invitee", password: "amber-falcon-river-58" });
    const ctx = await ctxOf(userId, orgId);
    expect(ctx.organization.roleKey).toBe("accountant");
    await expect(acceptInvitation(db(), token, { name: "Again", password: "amber-falcon-river-58" })).rejects.toMatchObject({ status: 400 });
  });

  it("V6.4.1 an existing account must be signed in as the invited address", async () => {
    const { ownerCtx, orgId } = await org();
    const existing = await makeUser();
    const stranger = await makeUser();
    await inviteMember(db(), ownerCtx, { email: existing.email, roleId: await roleIdOf(orgId, "member") });
    const token = lastLinkTo(existing.email, "/invite");
    await expect(acceptInvitation(db(), token, { signedInUserId: stranger.user.id, signedInEmail: stranger.email })).rejects.toMatchObject({ status: 403 });
    // the failed attempt rolled back: the rightful account can still accept
    const ok = await acceptInvitation(db(), token, { signedInUserId: existing.user.id, signedInEmail: existing.email });
    expect(ok.organizationId).toBe(orgId);
  });

  it("V6.4.1 a revoked invitation no longer works, and an admin cannot invite as owner", async () => {
    const { ownerCtx, orgId, members } = await org("admin");
    const email = `revoked-${crypto.randomUUID()}@example.test`;
    const id = await inviteMember(db(), ownerCtx, { email, roleId: await roleIdOf(orgId, "member") });
    const token = lastLinkTo(email, "/invite");
    await revokeInvitation(db(), ownerCtx, id);
    await expect(acceptInvitation(db(), token, { name: "X", password: "amber-falcon-river-58" })).rejects.toMatchObject({ status: 400 });
    const adminCtx = await actorCtxOf(members[0]!.user.id, orgId);
    await expect(inviteMember(db(), adminCtx, { email, roleId: await roleIdOf(orgId, "owner") })).rejects.toMatchObject({ status: 403, code: "forbidden" });
  });
});

describe("input and scope at the domain layer", () => {
  it("V2.2.1 bad input to a domain function is a 422 with field messages, not a crash", async () => {
    const { ownerCtx, orgId } = await org();
    await expect(createRole(db(), ownerCtx, { name: "", parentId: await roleIdOf(orgId, "member"), permissions: ["nope:nope"] })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { name: expect.any(String) },
    });
  });

  it("V8.4.1 removing a foreign user from a group reads as not found and rotates nobody", async () => {
    const a = await org();
    const b = await org("member");
    const groupId = await saveGroup(db(), a.ownerCtx, { name: "Ops" });
    const victim = await ctxOf(b.members[0]!.user.id, b.orgId);
    const { removeGroupMember } = await import("./index");
    await expect(removeGroupMember(db(), a.ownerCtx, groupId, b.members[0]!.user.id)).rejects.toMatchObject({ status: 404 });
    expect((await validateSessionToken(db(), victim.token))?.session.rotationPending).toBe(false);
  });
});

describe("group edits", () => {
  it("V8.2.2 changing a group's roles rotates the sessions of its members only", async () => {
    const { ownerCtx, members, orgId } = await org("viewer", "viewer");
    const inGroup = await ctxOf(members[0]!.user.id, orgId);
    const outside = await ctxOf(members[1]!.user.id, orgId);
    const groupId = await saveGroup(db(), ownerCtx, { name: "Readers" });
    await addGroupMember(db(), ownerCtx, groupId, members[0]!.user.id);
    await db()
      .update(sessions)
      .set({ rotationPending: false })
      .where(inArray(sessions.userId, [members[0]!.user.id, members[1]!.user.id]));
    await saveGroup(db(), ownerCtx, { name: "Readers", roleIds: [await roleIdOf(orgId, "member")] }, groupId);
    expect((await validateSessionToken(db(), inGroup.token))?.session.rotationPending).toBe(true);
    expect((await validateSessionToken(db(), outside.token))?.session.rotationPending).toBe(false);
    expect((await validateSessionToken(db(), inGroup.token))?.permissions.has("reports:read")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { validateSessionToken, type SessionContext } from "@/lib/auth";
import {
  acceptInvitation,
  changeMemberRole,
  createRole,
  deleteGroup,
  deleteRole,
  forcePasswordReset,
  inviteMember,
  reactivateMember,
  removeMember,
  revokeInvitation,
  revokeMemberSessions,
  saveGroup,
  suspendMember,
  updateRole,
} from "@/lib/rbac";
import { expectAudited } from "@/tests/audit";
import { makeSteppedUpSession, makeUser, roleIdOf } from "@/tests/factories";
import { lastLinkTo } from "@/tests/outbox";

const db = () => getDb();

async function ownerOrg() {
  const owner = await makeUser();
  const { token } = await makeSteppedUpSession(owner.user.id, owner.organizationId);
  const ctx = (await validateSessionToken(db(), token)) as SessionContext;
  return { owner, orgId: owner.organizationId, ctx };
}

/** Each RBAC change writes its event in the change's own transaction, naming who, whom and what. */
describe("RBAC changes in the audit log", () => {
  it("V16.3.2 records member.role_changed, suspended, reactivated, sessions_revoked, password_reset_forced and removed", async () => {
    const { owner, orgId, ctx } = await ownerOrg();
    const m = await makeUser({ organizationId: orgId, role: "member" });
    const admin = await roleIdOf(orgId, "admin");
    const by = { organizationId: orgId, actorUserId: owner.user.id, targetId: m.user.id, result: "success" as const };

    await changeMemberRole(db(), ctx, m.user.id, admin);
    await expectAudited(db(), { action: "member.role_changed", ...by, metadata: { roleId: admin } });
    await suspendMember(db(), ctx, m.user.id);
    await expectAudited(db(), { action: "member.suspended", ...by });
    await reactivateMember(db(), ctx, m.user.id);
    await expectAudited(db(), { action: "member.reactivated", ...by });
    await revokeMemberSessions(db(), ctx, m.user.id);
    await expectAudited(db(), { action: "member.sessions_revoked", ...by });
    await forcePasswordReset(db(), ctx, m.user.id);
    await expectAudited(db(), { action: "member.password_reset_forced", ...by });
    await removeMember(db(), ctx, m.user.id);
    await expectAudited(db(), { action: "member.removed", ...by });
  });

  it("V16.3.2 records role.created, role.updated and role.deleted", async () => {
    const { owner, orgId, ctx } = await ownerOrg();
    const parentId = await roleIdOf(orgId, "member");
    const roleId = await createRole(db(), ctx, { name: "Auditor", parentId, permissions: ["audit:read"] });
    const by = { organizationId: orgId, actorUserId: owner.user.id, targetId: roleId };
    await expectAudited(db(), { action: "role.created", ...by });
    await updateRole(db(), ctx, roleId, { name: "Auditor", parentId, permissions: ["audit:read", "audit:export"] });
    await expectAudited(db(), { action: "role.updated", ...by });
    await deleteRole(db(), ctx, roleId);
    await expectAudited(db(), { action: "role.deleted", ...by });
  });

  it("V16.3.2 records group.created, group.updated and group.deleted", async () => {
    const { owner, orgId, ctx } = await ownerOrg();
    const roleIds = [await roleIdOf(orgId, "accountant")];
    const groupId = await saveGroup(db(), ctx, { name: "Finance", roleIds });
    const by = { organizationId: orgId, actorUserId: owner.user.id, targetId: groupId };
    await expectAudited(db(), { action: "group.created", ...by });
    await saveGroup(db(), ctx, { name: "Finance team", roleIds }, groupId);
    await expectAudited(db(), { action: "group.updated", ...by });
    await deleteGroup(db(), ctx, groupId);
    await expectAudited(db(), { action: "group.deleted", ...by });
  });

  it("V16.3.2 records invitation.created, invitation.revoked and invitation.accepted (by the new member)", async () => {
    const { owner, orgId, ctx } = await ownerOrg();
    const roleId = await roleIdOf(orgId, "viewer");
    const first = await inviteMember(db(), ctx, { email: `first-${crypto.randomUUID()}@example.com`, roleId });
    await expectAudited(db(), { action: "invitation.created", organizationId: orgId, actorUserId: owner.user.id, targetId: first });
    await revokeInvitation(db(), ctx, first);
    await expectAudited(db(), { action: "invitation.revoked", organizationId: orgId, actorUserId: owner.user.id, targetId: first });

    const email = `joiner-${crypto.randomUUID()}@example.com`;
    await inviteMember(db(), ctx, { email, roleId });
    const token = lastLinkTo(email, "/invite");
    const { userId } = await acceptInvitation(db(), token, { name: "Jo Joiner", password: "amber-falcon-river-58" });
    const accepted = await expectAudited(db(), { action: "invitation.accepted", organizationId: orgId, actorUserId: userId, metadata: { roleId, newAccount: true } });
    expect(JSON.stringify(accepted)).not.toContain(token); // V16.2.5: never the invitation token
    expect(JSON.stringify(accepted)).not.toContain("amber-falcon-river-58");
  });
});

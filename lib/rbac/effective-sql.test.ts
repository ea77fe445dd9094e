import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { validateSessionToken, type SessionContext } from "@/lib/auth";
import { memberAccess } from "@/lib/sftp/member-access";
import { makeSession, makeSteppedUpSession, makeUser, roleIdOf } from "@/tests/factories";
import { addGroupMember, createRole, explainMemberPermissions, loadRoleTree, saveGroup } from "./index";
import { effectiveRolePermissions } from "./role-tree";

const db = () => getDb();

async function ctxOf(userId: string, organizationId: string, steppedUp = false): Promise<SessionContext> {
  const { token } = steppedUp ? await makeSteppedUpSession(userId, organizationId) : await makeSession(userId, organizationId);
  const ctx = await validateSessionToken(db(), token);
  if (!ctx) throw new Error("no session");
  return ctx;
}

// The one effective-permission rule (lib/rbac/effective-sql.ts) against a tree with a custom role and
// groups: the session query, SFTP access and the admin's explanation must all give the same set, and
// it must be the union over own role and group roles, each with every role below it.
describe("effective permissions: one rule for the session, SFTP and the admin view", () => {
  it("V8.2.1 own role + group roles, each with every role below it, the same in all three", async () => {
    const owner = await makeUser();
    const orgId = owner.organizationId;
    const ownerCtx = await ctxOf(owner.user.id, orgId, true);
    // A custom role under "member" that alone grants audit:read: a member-level user with it in a
    // group gains audit:read; a role above the custom one (accountant) also holds it.
    const auditorId = await createRole(db(), ownerCtx, { name: "Auditor", parentId: await roleIdOf(orgId, "member"), permissions: ["audit:read"] });
    const viewer = await makeUser({ organizationId: orgId, role: "viewer" });
    const inGroup = await makeUser({ organizationId: orgId, role: "viewer" });
    const groupId = await saveGroup(db(), ownerCtx, { name: "Transfers", roleIds: [auditorId, await roleIdOf(orgId, "member")] });
    await addGroupMember(db(), ownerCtx, groupId, inGroup.user.id);

    const tree = await loadRoleTree(db(), orgId);
    const expected = (roleIds: string[]) => new Set(roleIds.flatMap((id) => [...effectiveRolePermissions(tree, id)]));
    const viewerId = await roleIdOf(orgId, "viewer");
    const cases = [
      { user: viewer.user.id, want: expected([viewerId]) },
      { user: inGroup.user.id, want: expected([viewerId, auditorId, await roleIdOf(orgId, "member")]) },
    ];
    expect(cases[1]!.want.has("audit:read")).toBe(true); // the group's custom role counts
    expect(cases[0]!.want.has("audit:read")).toBe(false);
    expect(effectiveRolePermissions(tree, await roleIdOf(orgId, "accountant")).has("audit:read")).toBe(true); // above Auditor

    for (const { user, want } of cases) {
      const session = await ctxOf(user, orgId);
      expect(new Set(session.permissions)).toEqual(want);
      const sftp = await memberAccess(db(), user, orgId);
      expect(sftp).toEqual({ membership: "active", permissions: want });
      const explained = await explainMemberPermissions(db(), ownerCtx, user);
      expect(new Set(explained.permissions.map((p) => p.permission))).toEqual(want);
    }
    const audit = (await explainMemberPermissions(db(), ownerCtx, inGroup.user.id)).permissions.find((p) => p.permission === "audit:read");
    expect(audit?.sources).toHaveLength(2);
    expect(audit?.sources).toEqual(
      expect.arrayContaining([
        { via: "group Transfers (role Member)", grantedBy: "Auditor (a role below it)" },
        { via: "group Transfers (role Auditor)", grantedBy: "directly" },
      ]),
    );
  });

  it("V8.2.1 another organization's groups grant nothing, and a non-member gets nothing over SFTP", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const otherCtx = await ctxOf(other.user.id, other.organizationId, true);
    const viewer = await makeUser({ organizationId: owner.organizationId, role: "viewer" });
    // The viewer joins a group of the other organization carrying its owner role: no effect here.
    const foreign = await makeUser({ organizationId: other.organizationId, role: "viewer" });
    const groupId = await saveGroup(db(), otherCtx, { name: "Everything", roleIds: [await roleIdOf(other.organizationId, "owner")] });
    await addGroupMember(db(), otherCtx, groupId, foreign.user.id);
    const here = await memberAccess(db(), viewer.user.id, owner.organizationId);
    expect(here.permissions.has("members:manage")).toBe(false);
    expect(await memberAccess(db(), viewer.user.id, other.organizationId)).toEqual({ membership: "none", permissions: new Set() });
  });
});

import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES } from "./built-in-roles";
import { ALL_PERMISSIONS, isPermission } from "@/lib/permissions";
import { descendantsOf, effectiveRolePermissions, isAtOrAbove, wouldCreateCycle, type RoleNode } from "./role-tree";

const tree: RoleNode[] = BUILT_IN_ROLES.map((r, i) => ({ id: r.key, parentId: i === 0 ? null : BUILT_IN_ROLES[i - 1]!.key, grants: r.grants }));

describe("role hierarchy", () => {
  it("V8.2.1 a senior role inherits everything granted below it", () => {
    const member = effectiveRolePermissions(tree, "member");
    const admin = effectiveRolePermissions(tree, "admin");
    for (const p of member) expect(admin.has(p)).toBe(true);
    expect(member.has("members:manage")).toBe(false);
    expect(effectiveRolePermissions(tree, "viewer")).toEqual(new Set(["dashboard:read", "bank_connections:read"]));
  });

  it("V8.2.1 the owner holds every permission in the catalogue", () => {
    expect(effectiveRolePermissions(tree, "owner")).toEqual(new Set(ALL_PERMISSIONS));
  });

  it("V8.2.1 a custom role in the middle of the tree inherits from its juniors only", () => {
    const custom: RoleNode = { id: "auditor", parentId: "member", grants: ["audit:read"] };
    const withCustom = [...tree, custom];
    const auditor = effectiveRolePermissions(withCustom, "auditor");
    expect(auditor.has("audit:read")).toBe(true);
    expect(auditor.has("dashboard:read")).toBe(false); // viewer is member's child, not auditor's
    expect(effectiveRolePermissions(withCustom, "member").has("audit:read")).toBe(true); // member is above auditor
  });

  it("V8.2.1 refuses cycles: a role cannot move under itself or its juniors", () => {
    expect(wouldCreateCycle(tree, "admin", "viewer")).toBe(true);
    expect(wouldCreateCycle(tree, "admin", "admin")).toBe(true);
    expect(wouldCreateCycle(tree, "viewer", "admin")).toBe(false);
    const looped: RoleNode[] = [
      { id: "a", parentId: "b", grants: [] },
      { id: "b", parentId: "a", grants: [] },
    ];
    expect(descendantsOf(looped, "a")).toEqual(new Set(["b", "a"])); // terminates even on bad data
  });

  it("V8.2.1 seniority decides who may edit which role", () => {
    expect(isAtOrAbove(tree, "admin", "member")).toBe(true);
    expect(isAtOrAbove(tree, "member", "admin")).toBe(false);
  });

  it("V8.1.1 every built-in grant is in the catalogue", () => {
    for (const r of BUILT_IN_ROLES) for (const g of r.grants) expect(isPermission(g)).toBe(true);
    expect(isPermission("constructor")).toBe(false);
  });
});

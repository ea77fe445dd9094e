import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, effectiveRolePermissions, type RoleNode } from "@/lib/rbac";
import { makeUser } from "@/tests/factories";
import { getDb } from "@/db";
import { evaluatePosture, presentItems } from ".";

const tree: RoleNode[] = BUILT_IN_ROLES.map((r, i) => ({ id: r.key, parentId: i ? BUILT_IN_ROLES[i - 1]!.key : null, grants: r.grants }));
const permissionsOf = (role: string) => effectiveRolePermissions(tree, role);

describe("posture fix links", () => {
  it("V8.2.1 an admin is offered only the fixes whose pages they may open; owner-only pages (MFA policy, firewall, webhooks) are named, not linked", async () => {
    const owner = await makeUser();
    const report = await evaluatePosture(getDb(), owner.organizationId, { operator: true });
    const asAdmin = presentItems(report.items, permissionsOf("admin"));
    const mayFix = (key: string) => asAdmin.find((i) => i.key === key)!.mayFix;
    for (const key of ["mfa-adoption", "mfa-deadline", "firewall", "webhooks"]) expect(mayFix(key), key).toBe(false);
    for (const key of ["admin-phishing-resistant", "sessions", "locked-accounts", "open-alerts", "bank-connections"]) expect(mayFix(key), key).toBe(true);
    // The data key has no page: the command is shown to the operator whatever their role.
    expect(mayFix("data-key-age")).toBe(true);
    expect(presentItems(report.items, permissionsOf("owner")).every((i) => i.mayFix)).toBe(true);
    expect(asAdmin.map((i) => i.points)).toEqual(report.items.map((i) => (i.state === "ok" ? i.weight : i.state === "warning" ? Math.floor(i.weight / 2) : 0)));
  });
});

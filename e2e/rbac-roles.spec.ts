import { GroupsAdminPage, MembersAdminPage, RolesAdminPage } from "./pages/admin-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";

test.describe("roles", () => {
  test.describe.configure({ timeout: 90_000 });

  test("V8.2.1 the owner creates the custom role Auditor below Member with audit:read, assigns it, and the member list shows it", async ({
    browser,
    freshUser,
    signedInWithTotp,
  }) => {
    // Role and group changes want a recent second factor: the owner uses an authenticator app.
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser);

    const roles = new RolesAdminPage(owner.page);
    await roles.goto();
    await expect(roles.node("Owner").getByRole("listitem", { name: "Member", exact: true })).toBeVisible();
    await roles.createRole({ name: "Auditor", description: "Reads the audit log.", below: "Member", permissions: ["audit:read"] });
    // Nested under Member, itself under the senior roles.
    const auditor = roles.node("Member").getByRole("listitem", { name: "Auditor", exact: true });
    await expect(auditor).toContainText("custom");
    await expect(auditor).toContainText("Grants: audit:read");

    const members = new MembersAdminPage(owner.page);
    await members.goto();
    const detail = await members.openMember(invitee.email, invitee.name);
    await detail.changeRole("Auditor");
    await expect(detail.permissionRow("audit:read")).toContainText("own role Auditor, granted directly");
    await expect(detail.permissionRow("reports:read")).toHaveCount(0);

    await members.goto(`?q=${encodeURIComponent(invitee.email)}`);
    await expect(members.rows).toHaveCount(1);
    await expect(members.row(invitee.email)).toContainText("Auditor");
  });

  test("V8.2.1 a group carrying Accountant gives its new member those permissions, shown with the group as their source", async ({
    browser,
    freshUser,
    signedInWithTotp,
  }) => {
    // Role and group changes want a recent second factor: the owner uses an authenticator app.
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser, { roleName: "Viewer" });

    const groups = new GroupsAdminPage(owner.page);
    await groups.goto();
    await groups.createGroup({ name: "Finance team", roles: ["Accountant"] });
    await groups.addMember(invitee);

    const members = new MembersAdminPage(owner.page);
    await members.goto();
    await expect(members.row(invitee.email)).toContainText("Finance team");
    const detail = await members.openMember(invitee.email, invitee.name);
    await expect(detail.role).toHaveText("Viewer");
    await expect(detail.permissionRow("reports:export")).toContainText("group Finance team (role Accountant), granted directly");
    await expect(detail.permissionRow("dashboard:read")).toContainText("own role Viewer, granted directly");
  });
});

import { AppShell, DashboardPage } from "./pages/app-pages";
import { MemberAdminPage, MembersAdminPage } from "./pages/admin-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";

test.describe("who may open the admin pages", () => {
  test.describe.configure({ timeout: 90_000 });

  test("V8.2.1 V8.3.1 V8.2.2 V8.4.1 a Viewer gets a permission message, a Member sees no controls, and another organization's ids read as not found", async ({
    browser,
    freshUser,
    signedIn,
    signedInWithTotp,
  }) => {
    // Role and member changes want a recent second factor: the owner uses an authenticator app.
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser, { roleName: "Viewer" });
    const viewer = await signedIn(invitee);
    const members = new MembersAdminPage(owner.page);
    await members.goto();
    const ownerId = await members.userIdOf(freshUser.email);
    const inviteeId = await members.userIdOf(invitee.email);

    // Viewer: no Administration section, and every admin page answers 403 with a permission message, never content.
    const viewerShell = new AppShell(viewer.page);
    await expect(viewerShell.section("Reports").getByRole("link", { name: "Dashboard" })).toBeVisible();
    await expect(viewerShell.section("Administration")).toHaveCount(0);
    await expect(viewerShell.mainNav.getByRole("link", { name: "Members" })).toHaveCount(0);
    const viewerDetail = new MemberAdminPage(viewer.page);
    for (const path of ["/admin/members", `/admin/members/${ownerId}`, "/admin/invitations", "/admin/roles", "/admin/groups"]) {
      expect((await viewer.page.goto(path))?.status(), path).toBe(403);
      await expect(viewer.page.getByRole("heading", { level: 1 }), path).toHaveText("You do not have permission to open this page");
      await expect(viewerDetail.effective, path).toHaveCount(0);
      for (const button of viewerDetail.managementButtons()) await expect(button, path).toHaveCount(0);
    }

    // Member (may read the list and roles): the owner's page is read-only, invitations stay closed.
    const ownerDetail = new MemberAdminPage(owner.page);
    await ownerDetail.goto(inviteeId);
    await ownerDetail.changeRole("Member");
    await viewerDetail.goto(ownerId);
    await expect(viewerDetail.effective).toBeVisible();
    for (const button of viewerDetail.managementButtons()) await expect(button).toHaveCount(0);
    expect((await viewer.page.goto("/admin/invitations"))?.status()).toBe(403);
    await viewer.page.goto("/admin/roles");
    await expect(viewer.page.getByRole("heading", { name: "Role tree" })).toBeVisible();
    await expect(viewer.page.getByRole("button", { name: "Create role" })).toHaveCount(0);

    // The owner switches to a new organization of their own: the first one's member and role ids are not found there.
    await owner.page.goto("/admin/roles");
    const oldRoleHref = (await owner.page.getByTestId("role-node").first().getByRole("link").first().getAttribute("href"))!;
    await owner.page.goto("/settings/organizations");
    await owner.page.getByLabel("New organization name").fill(`${freshUser.organizationName} second`);
    await owner.page.getByRole("button", { name: "Create organization" }).click();
    await new DashboardPage(owner.page).expectOrganization(`${freshUser.organizationName} second`);

    expect((await ownerDetail.goto(inviteeId))?.status()).toBe(404);
    await expect(owner.page.getByRole("heading", { name: "Member not found" })).toBeVisible();
    for (const button of ownerDetail.managementButtons()) await expect(button).toHaveCount(0);
    expect((await owner.page.goto(oldRoleHref))?.status()).toBe(404);
    expect((await ownerDetail.goto("not-a-uuid"))?.status()).toBe(404);
  });
});

import { DashboardPage } from "./pages/app-pages";
import { MembersAdminPage } from "./pages/admin-pages";
import { SignInPage } from "./pages/auth-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";

test.describe("managing members", () => {
  // Each test makes an owner and a member through the real forms (argon2 included): more than the default budget.
  test.describe.configure({ timeout: 90_000 });

  test("V8.3.2 the owner makes a member Accountant: the member's next request shows the new role, and the effective permissions say where each comes from", async ({
    browser,
    freshUser,
    signedIn,
    signedInWithTotp,
  }) => {
    // Role and member changes want a recent second factor: the owner uses an authenticator app.
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser);
    const member = await signedIn(invitee);
    await expect(member.page.getByRole("main")).toContainText(`(Member)`);

    const members = new MembersAdminPage(owner.page);
    await members.goto();
    const detail = await members.openMember(invitee.email, invitee.name);
    await expect(detail.role).toHaveText("Member");
    await expect(detail.permissionRow("reports:export")).toHaveCount(0);

    await detail.changeRole("Accountant");
    await expect(detail.permissionRow("reports:export")).toContainText("own role Accountant, granted directly");
    await expect(detail.permissionRow("reports:read")).toContainText("own role Accountant, inherited from Member (a role below it)");
    await expect(detail.permissionRow("members:manage")).toHaveCount(0);

    // No sign-out, no waiting: the member's very next request carries the new role.
    const dashboard = new DashboardPage(member.page);
    await dashboard.goto();
    await dashboard.expectOrganization(freshUser.organizationName);
    await expect(member.page.getByRole("main")).toContainText(`Signed in as ${invitee.email} (Accountant).`);

    await members.goto();
    await expect(members.row(invitee.email)).toContainText("Accountant");
  });

  test("V7.4.2 V7.4.5 suspending needs the confirmation; the suspended member's browser is thrown out at once, sign-in says why, and reactivation restores access", async ({
    browser,
    freshUser,
    signedIn,
    signedInWithTotp,
  }) => {
    // Role and member changes want a recent second factor: the owner uses an authenticator app.
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser);
    const member = await signedIn(invitee);

    const members = new MembersAdminPage(owner.page);
    await members.goto();
    const detail = await members.openMember(invitee.email, invitee.name);

    // Without the box ticked the server refuses, next to the box.
    await detail.suspend(invitee.name, { confirm: false });
    await expect(detail.access.getByRole("alert").filter({ hasText: "Tick the box to confirm." })).toBeVisible();
    await expect(detail.status).toHaveText("Active");

    await detail.suspend(invitee.name, { confirm: true });
    await expect(detail.access.getByRole("status")).toHaveText("The member is suspended and was signed out everywhere.");
    await expect(detail.status).toHaveText("Suspended");

    await new DashboardPage(member.page).goto();
    const signIn = new SignInPage(member.page);
    await signIn.expectHere();
    expect((await member.page.request.get("/api/me")).status()).toBe(401);
    expect(await signIn.signInExpectingError(invitee.email, invitee.password)).toBe(
      "Your access has been suspended by your organization's administrators. Contact them to restore it.",
    );

    await detail.reactivate(invitee.name);
    await expect(detail.status).toHaveText("Active");
    await signIn.goto();
    await signIn.signInExpectingDashboard(invitee.email, invitee.password);
  });
});

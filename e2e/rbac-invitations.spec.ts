import { AppShell, DashboardPage } from "./pages/app-pages";
import { InvitationsAdminPage, InviteAcceptPage, MembersAdminPage } from "./pages/admin-pages";
import { SignInPage } from "./pages/auth-pages";
import { createVerifiedUser, expect, newIdentity, test } from "./fixtures";
import { linkIn, mailIds, waitForMail } from "./support/outbox";

test.describe("invitations", () => {
  test.describe.configure({ timeout: 90_000 });

  test("V6.4.1 V8.2.1 the owner invites an e-mail as Member; the invitee creates the account from the mailed link, signs in and lands in the organization; the link works once", async ({
    browser,
    freshUser,
    signedIn,
  }) => {
    const owner = await signedIn(freshUser);
    await expect(new AppShell(owner.page).section("Administration").getByRole("link", { name: "Members" })).toBeVisible();

    const invitee = { ...newIdentity("invitee"), name: "Alex Invitee" };
    const before = mailIds(invitee.email);
    const invitations = new InvitationsAdminPage(owner.page);
    await invitations.goto();
    await invitations.invite(invitee.email, "Member");
    await expect(invitations.row(invitee.email)).toContainText("As Member");

    const mail = await waitForMail(invitee.email, { subject: /invited you to/, notIn: before });
    expect(mail.subject).toContain(freshUser.organizationName);
    const link = linkIn(mail, "/invite");

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const accept = new InviteAcceptPage(page);
      await accept.open(link, freshUser.organizationName);
      await expect(page.getByRole("main")).toContainText(invitee.email);
      await expect(page.getByRole("main")).toContainText("Member");
      await accept.createAccount(invitee.name, invitee.password);

      await new SignInPage(page).signInExpectingDashboard(invitee.email, invitee.password);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(freshUser.organizationName);
      await expect(page.getByRole("main")).toContainText(`Signed in as ${invitee.email} (Member).`);

      // Single use: the same link is dead now, signed in or not.
      await accept.expectInvalid(link);
    } finally {
      await context.close();
    }

    await invitations.goto();
    await expect(invitations.row(invitee.email)).toHaveCount(0);
    const members = new MembersAdminPage(owner.page);
    await members.goto();
    await expect(members.row(invitee.email)).toContainText("Member");
    await expect(members.row(invitee.email)).toContainText("Active");
  });

  test("V6.4.1 revoking an invitation needs the confirmation box, and then its link no longer works", async ({ browser, freshUser, signedIn }) => {
    const owner = await signedIn(freshUser);
    const email = newIdentity("revoked").email;
    const before = mailIds(email);
    const invitations = new InvitationsAdminPage(owner.page);
    await invitations.goto();
    await invitations.invite(email, "Viewer");
    const link = linkIn(await waitForMail(email, { subject: /invited you to/, notIn: before }), "/invite");

    await invitations.revoke(email, { confirm: false });
    await expect(invitations.row(email).getByRole("alert").filter({ hasText: "Tick the box to confirm." })).toBeVisible();
    await expect(invitations.row(email)).toBeVisible();

    await invitations.revoke(email, { confirm: true });
    await expect(invitations.listStatus).toHaveText("The invitation was revoked: its link no longer works.");
    await expect(invitations.row(email)).toHaveCount(0);

    const context = await browser.newContext();
    try {
      await new InviteAcceptPage(await context.newPage()).expectInvalid(link);
    } finally {
      await context.close();
    }
  });

  test("V6.4.1 someone who already has an account is asked to sign in first, then accepts and can switch to the new organization", async ({
    browser,
    freshUser,
    signedIn,
  }) => {
    const owner = await signedIn(freshUser);
    const existing = await createVerifiedUser(browser, "existing");
    const before = mailIds(existing.email);
    const invitations = new InvitationsAdminPage(owner.page);
    await invitations.goto();
    await invitations.invite(existing.email, "Accountant");
    const link = linkIn(await waitForMail(existing.email, { subject: /invited you to/, notIn: before }), "/invite");

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await new InviteAcceptPage(page).open(link, freshUser.organizationName);
      await expect(page.getByRole("button", { name: "Create account and join" })).toHaveCount(0);
      // Sign-in brings them back to the invitation.
      await page.getByRole("link", { name: "Sign in to accept" }).click();
      await new SignInPage(page).signIn(existing.email, existing.password);
      await expect(page.getByRole("heading", { name: `Join ${freshUser.organizationName}` })).toBeVisible();
      await page.getByRole("button", { name: `Accept and join ${freshUser.organizationName}` }).click();
      await expect(page).toHaveURL(/\/settings\/organizations\?joined=1$/);
      await expect(page.getByRole("main").getByRole("listitem").filter({ hasText: freshUser.organizationName })).toContainText("Accountant");

      await new AppShell(page).switchOrganization(freshUser.organizationName);
      await new DashboardPage(page).expectOrganization(freshUser.organizationName);
      await expect(page.getByRole("main")).toContainText("(Accountant)");
    } finally {
      await context.close();
    }
  });
});

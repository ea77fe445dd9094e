import type { Page } from "@playwright/test";
import { DashboardPage } from "./pages/app-pages";
import { MfaPolicyPage } from "./pages/admin-pages";
import { SignInPage } from "./pages/auth-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";
import { enrolTotp } from "./support/totp";

const ENROL_PAGE = /\/settings\/security\?enrol=required$/;

/** Every signed-in page a member would normally open (walked, not hand-picked from the routes that happen to work). */
const APP_PAGES = [
  "/dashboard",
  "/settings/sessions",
  "/settings/organizations",
  "/settings/mfa-policy",
  "/admin/members",
  "/admin/invitations",
  "/admin/roles",
  "/admin/groups",
  "/admin/contact-messages",
  "/mfa/step-up",
];

const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });

test.describe("organization MFA policy", () => {
  // An owner with an authenticator app, an invited member, and their sign-ins through the real forms.
  test.describe.configure({ timeout: 150_000 });

  test("V6.3.3 V8.2.1 the owner requires two-step verification of everyone with no grace: a member without it reaches only the Security page until they set it up", async ({
    browser,
    freshUser,
    signedInWithTotp,
  }) => {
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser, { roleName: "Member" });

    await mainNav(owner.page).getByRole("link", { name: "MFA policy" }).click();
    const policy = new MfaPolicyPage(owner.page);
    await policy.expectHere();
    await expect(policy.row(freshUser.email)).toContainText("Authenticator app");
    await expect(policy.row(invitee.email)).toContainText("None");
    await policy.save({ policy: "all", graceDays: 0 });
    await expect(policy.form.getByRole("status")).toHaveText("The policy was saved. Two-step verification is now required for everyone.");
    await expect(policy.row(invitee.email)).toContainText("Overdue since");
    await expect(policy.row(freshUser.email)).toContainText("Set up");

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const signIn = new SignInPage(page);
      await signIn.goto();
      await signIn.signIn(invitee.email, invitee.password);
      // The password is right, but the deadline has passed: only the Security page opens.
      await expect(page).toHaveURL(ENROL_PAGE);
      await expect(page.getByRole("main").getByRole("alert")).toContainText(`${freshUser.organizationName} requires two-step verification.`);
      await expect(mainNav(page).getByRole("link", { name: "MFA policy" })).toHaveCount(0);
      for (const path of APP_PAGES) {
        await page.goto(path);
        await expect(page, path).toHaveURL(ENROL_PAGE);
      }
      await mainNav(page).getByRole("link", { name: "Dashboard" }).click();
      await expect(page).toHaveURL(ENROL_PAGE);
      const api = await page.request.get("/api/me");
      expect(api.status()).toBe(403);
      expect(await api.text()).toContain("mfa_enrolment_required");

      await enrolTotp(page);
      const dashboard = new DashboardPage(page);
      await dashboard.goto();
      await dashboard.expectOrganization(freshUser.organizationName);
      await page.goto("/settings/sessions");
      await expect(page).toHaveURL(/\/settings\/sessions$/);
    } finally {
      await context.close();
    }

    await policy.goto();
    await expect(policy.row(invitee.email)).toContainText("Authenticator app");
    await expect(policy.row(invitee.email)).toContainText("Set up");
  });

  test("V6.3.3 required for chosen roles with a grace period: a role below the chosen one is not covered; a covered member is reminded and keeps working; only the owner opens the policy", async ({
    browser,
    freshUser,
    signedIn,
    signedInWithTotp,
  }) => {
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser, { roleName: "Accountant" });
    const member = await signedIn(invitee);
    await expect(mainNav(member.page).getByRole("link", { name: "Security" })).toBeVisible();
    await expect(mainNav(member.page).getByRole("link", { name: "MFA policy" })).toHaveCount(0);
    expect((await member.page.goto("/settings/mfa-policy"))?.status()).toBe(403);

    const policy = new MfaPolicyPage(owner.page);
    // Admin is above Accountant: choosing it covers Admin and Owner, not the accountant.
    await policy.save({ policy: "roles", roles: ["Admin"], graceDays: 7 });
    await expect(policy.form.getByRole("status")).toHaveText("The policy was saved. Two-step verification is now required for the chosen roles.");
    await expect(policy.row(invitee.email).getByRole("cell").nth(3)).toHaveText("No");
    await expect(policy.row(freshUser.email).getByRole("cell").nth(3)).toHaveText("Yes");
    const dashboard = new DashboardPage(member.page);
    await dashboard.goto();
    await dashboard.expectOrganization(freshUser.organizationName);
    await expect(member.page.getByTestId("mfa-grace-banner")).toHaveCount(0);

    // Member is below Accountant: choosing it covers the accountant, who gets seven days.
    await policy.save({ policy: "roles", roles: ["Member"], graceDays: 7 });
    await expect(policy.row(invitee.email).getByRole("cell").nth(3)).toHaveText("Yes");
    await expect(policy.row(invitee.email)).toContainText("By ");
    await dashboard.goto();
    await dashboard.expectOrganization(freshUser.organizationName);
    const banner = member.page.getByTestId("mfa-grace-banner");
    await expect(banner).toContainText(`${freshUser.organizationName} requires two-step verification. Set it up before `);
    await banner.getByRole("link", { name: "Set up two-step verification" }).click();
    await expect(member.page).toHaveURL(/\/settings\/security$/);
    await expect(member.page.getByRole("heading", { level: 1, name: "Security" })).toBeVisible();
  });
});

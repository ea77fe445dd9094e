import { MfaPolicyPage } from "./pages/admin-pages";
import { PosturePage } from "./pages/posture-page";
import { SignInPage } from "./pages/auth-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";
import { enrolTotp } from "./support/totp";

test.describe("security posture page", () => {
  // An owner with an authenticator app, an invited member, a policy, and the member's enrolment, all through the real forms.
  test.describe.configure({ timeout: 150_000 });

  test("V6.3.3 V8.2.1 a member past the MFA deadline shows as a failing item; once they enrol it is OK and the score is higher; the member is refused the page", async ({
    browser,
    freshUser,
    signedInWithTotp,
  }, testInfo) => {
    // The owner satisfies the policy first (signedInWithTotp enrols an authenticator app).
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser, { roleName: "Member" });
    const policy = new MfaPolicyPage(owner.page);
    await policy.save({ policy: "all", graceDays: 0 });
    await expect(policy.form.getByRole("status")).toHaveText("The policy was saved. Two-step verification is now required for everyone.");

    const posture = new PosturePage(owner.page);
    await posture.goto();
    await expect(posture.item("mfa-deadline")).toHaveAttribute("data-state", "failing");
    await posture.expectState("mfa-deadline", "Failing");
    await expect(posture.item("mfa-deadline")).toContainText("1 member is past the policy deadline without a second factor.");
    await expect(posture.item("mfa-deadline").getByRole("link", { name: /See who is overdue/ })).toHaveAttribute("href", "/settings/mfa-policy");
    await expect(posture.item("mfa-adoption")).toContainText("1 of 2 active members use a second factor.");
    const before = await posture.scoreValue();
    expect(before).toBeGreaterThanOrEqual(0);
    // Today's point (the table sits in a closed <details>: counted in the DOM, not by role).
    await expect(owner.page.getByTestId("posture-history-table").locator("tbody tr")).toHaveCount(1);

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const signIn = new SignInPage(page);
      await signIn.goto();
      await signIn.signIn(invitee.email, invitee.password);
      await expect(page).toHaveURL(/\/settings\/security\?enrol=required$/);
      await enrolTotp(page);
      // A member (members:read, no audit:read) is refused, and the admin tab is not offered to them.
      expect((await page.goto("/admin/posture"))?.status()).toBe(403);
      await page.goto("/admin/members");
      await expect(page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Security posture" })).toHaveCount(0);
    } finally {
      await context.close();
    }

    await owner.page.reload();
    await expect(posture.item("mfa-deadline")).toHaveAttribute("data-state", "ok");
    await posture.expectState("mfa-deadline", "OK");
    await expect(posture.item("mfa-adoption")).toHaveAttribute("data-state", "ok");
    expect(await posture.scoreValue()).toBeGreaterThan(before);
    await expect(owner.page.getByTestId("posture-history-table").locator("tbody tr")).toHaveCount(1); // still one point today: an upsert
    // For a reviewer's eyes: the page at desktop and phone widths, in the test output.
    await owner.page.screenshot({ path: testInfo.outputPath("posture-1280.png"), fullPage: true });
    await owner.page.setViewportSize({ width: 375, height: 800 });
    await owner.page.screenshot({ path: testInfo.outputPath("posture-375.png"), fullPage: true });
  });
});

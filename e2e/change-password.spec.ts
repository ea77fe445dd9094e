import { DashboardPage } from "./pages/app-pages";
import { SignInPage } from "./pages/auth-pages";
import { expect, GOOD_PASSWORD, OTHER_GOOD_PASSWORD, test } from "./fixtures";
import { mailIds, SUBJECTS, waitForMail } from "./support/outbox";

test.describe("change password", () => {
  test("V6.2.2 V6.2.3 V7.4.3 a signed-in user changes the password: the current one is checked, other sessions end, this one stays", async ({ freshUser, signedIn }) => {
    const here = await signedIn(freshUser);
    const elsewhere = await signedIn(freshUser);
    const before = mailIds(freshUser.email);

    const page = here.page;
    await page.goto("/settings/security");
    const form = page.getByRole("form", { name: "Change password" });
    const current = form.getByLabel("Current password");
    const next = form.getByLabel("New password");

    // A wrong current password: refused next to its field, nothing changes.
    await current.fill("not-my-password-at-all");
    await next.fill(OTHER_GOOD_PASSWORD);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("#field-currentPassword-error")).toHaveText("That is not your current password.");
    await expect(current).toHaveAttribute("aria-invalid", "true");

    await current.fill(GOOD_PASSWORD);
    await next.fill(OTHER_GOOD_PASSWORD);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByRole("status")).toHaveText("Your password was changed. 1 other session was signed out.");
    await waitForMail(freshUser.email, { subject: SUBJECTS.passwordChanged, notIn: before });

    // The other browser is out; this one stays in.
    await new DashboardPage(elsewhere.page).goto();
    await new SignInPage(elsewhere.page).expectHere();
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await dashboard.expectOrganization(freshUser.organizationName);

    // The old password no longer signs in; the new one does.
    const signIn = new SignInPage(elsewhere.page);
    await signIn.goto();
    expect(await signIn.signInExpectingError(freshUser.email, GOOD_PASSWORD)).toBe("That e-mail and password do not match an account.");
    await signIn.goto();
    await signIn.signInExpectingDashboard(freshUser.email, OTHER_GOOD_PASSWORD);
  });
});

import { DashboardPage, SessionsPage } from "./pages/app-pages";
import { SignInPage } from "./pages/auth-pages";
import { expect, test } from "./fixtures";

test.describe("session management", () => {
  test("V7.5.2 V7.4.1 the user sees both sessions, signs out the other one, and it is dead at once", async ({ freshUser, signedIn }) => {
    const a = await signedIn(freshUser);
    const b = await signedIn(freshUser);

    const sessions = new SessionsPage(a.page);
    await sessions.goto();
    await expect(sessions.rows).toHaveCount(2);
    await expect(sessions.currentRow).toHaveCount(1);

    // Without the password nothing ends (ASVS V7.5.2: re-authenticate first).
    await sessions.signOutOther(sessions.otherRows.first());
    await expect(a.page.locator("#field-password-error")).toHaveText("Enter your password to confirm it is you.");
    await expect(sessions.rows).toHaveCount(2);

    await sessions.signOutOther(sessions.otherRows.first(), freshUser.password);
    await expect(sessions.status).toHaveText("That session was signed out.");
    await expect(sessions.rows).toHaveCount(1);
    await expect(sessions.currentRow).toHaveCount(1);

    await new DashboardPage(b.page).goto();
    await new SignInPage(b.page).expectHere();
    expect((await b.page.request.get("/api/me")).status()).toBe(401);

    // The session that did it is untouched.
    const dashboardA = new DashboardPage(a.page);
    await dashboardA.goto();
    await dashboardA.expectOrganization(freshUser.organizationName);
  });

  test('V7.5.2 V7.4.1 "Sign out all other sessions" ends every session but the current one', async ({ freshUser, signedIn }) => {
    const a = await signedIn(freshUser);
    const b = await signedIn(freshUser);
    const c = await signedIn(freshUser);

    const sessions = new SessionsPage(a.page);
    await sessions.goto();
    await expect(sessions.rows).toHaveCount(3);

    await sessions.signOutAllOthers(freshUser.password);
    await expect(sessions.status).toHaveText("2 other sessions were signed out.");
    await expect(sessions.rows).toHaveCount(1);
    await expect(sessions.currentRow).toHaveCount(1);
    await expect(a.page.getByRole("button", { name: "Sign out all other sessions" })).toHaveCount(0);

    for (const other of [b, c]) {
      await new DashboardPage(other.page).goto();
      await new SignInPage(other.page).expectHere();
    }
    const dashboardA = new DashboardPage(a.page);
    await dashboardA.goto();
    await dashboardA.expectOrganization(freshUser.organizationName);
  });
});

import { DashboardPage } from "./pages/app-pages";
import { ForgotPasswordPage, ResetPasswordPage, SignInPage } from "./pages/auth-pages";
import { expect, test } from "./fixtures";
import { linkIn, mailIds, SUBJECTS, waitForMail } from "./support/outbox";

/**
 * The server starts with SEED_DEMO=true (playwright.config.ts), as `npm run dev` does: Acme Corp
 * connected to the sandbox bank and synced at boot. Its owner's password is printed once on the
 * server's console, which a test cannot read, so the test takes the path the start-up text gives
 * for a lost one ("Forgot password", the outbox) and then signs in.
 */
const OWNER = "owner@acme.example";
const PASSWORD = "acme demo owner passphrase 7";

test.describe("the live demo on first start", () => {
  test("the first sign-in as the demo owner shows balances in two currencies, the cash-flow chart and transactions, with no other step", async ({ page }) => {
    const before = mailIds(OWNER);
    await new ForgotPasswordPage(page).request(OWNER);
    const link = linkIn(await waitForMail(OWNER, { subject: SUBJECTS.reset, notIn: before }), "/reset-password");
    const reset = new ResetPasswordPage(page);
    await reset.open(link);
    await reset.submit(PASSWORD);
    await expect(page).toHaveURL(/\/sign-in\?reset=1$/);

    await new SignInPage(page).signInExpectingDashboard(OWNER, PASSWORD);
    await new DashboardPage(page).expectOrganization("Acme Corp");
    const totals = page.getByTestId("total-balance");
    await expect(totals).toHaveCount(2);
    await expect(totals.filter({ hasText: "USD, 3 accounts" })).toBeVisible();
    await expect(totals.filter({ hasText: "EUR, 1 account" })).toBeVisible();
    const charts = page.getByTestId("cash-flow-chart");
    await expect(charts).toHaveCount(2);
    await expect(charts.first().locator("rect").first()).toBeVisible();
    expect(await page.getByTestId("cash-flow-row").count()).toBeGreaterThanOrEqual(24);
    await expect(page.getByTestId("connection-status")).toContainText("Northwind Bank (sandbox)");

    await page.getByRole("link", { name: "Transactions", exact: true }).first().click();
    await expect(page).toHaveURL(/\/transactions/);
    await expect(page.getByTestId("transaction-row").first()).toBeVisible();
    expect(await page.getByTestId("transaction-row").count()).toBeGreaterThan(10);
  });
});

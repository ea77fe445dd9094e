import { gzipSync } from "node:zlib";
import { DashboardPage } from "./pages/app-pages";
import { SignInPage } from "./pages/auth-pages";
import { expect, test } from "./fixtures";
import { DEMO_OWNER } from "./support/demo-people";

/**
 * The server starts with SEED_DEMO=true (playwright.config.ts), as `npm run dev` does: Acme Corp
 * connected to the sandbox bank and synced at boot. Its owner's password is printed once on the
 * server's console, which a test cannot read, so the setup project (e2e/demo.setup.ts) takes the
 * path the start-up text gives for a lost one ("Forgot password", the outbox), once per run; these
 * tests sign in with the password it set.
 */
const { email: OWNER, password: PASSWORD } = DEMO_OWNER;

test.describe("the live demo on first start", () => {
  test("the first sign-in as the demo owner shows balances in two currencies, the cash-flow chart and transactions, with no other step", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signInExpectingDashboard(OWNER, PASSWORD);
    await new DashboardPage(page).expectOrganization("Acme Corp");
    const totals = page.getByTestId("total-balance");
    await expect(totals).toHaveCount(2);
    await expect(totals.filter({ hasText: "USD, 3 accounts" })).toBeVisible();
    await expect(totals.filter({ hasText: "EUR, 1 account" })).toBeVisible();
    const charts = page.getByTestId("cash-flow-chart").filter({ visible: true });
    await expect(charts).toHaveCount(2);
    await expect(charts.first().locator("rect").first()).toBeVisible();
    expect(await page.getByTestId("cash-flow-row").count()).toBeGreaterThanOrEqual(24);
    await expect(page.getByTestId("connection-status")).toContainText("Northwind Bank (sandbox)");

    // Two years at a glance: the period is in the URL, every month a row (quiet ones as zeros), each with a tooltip.
    await page.getByRole("navigation", { name: "Period" }).getByRole("link", { name: "24 months" }).click();
    await expect(page).toHaveURL(/\/dashboard\?period=24$/);
    await expect(page.getByRole("link", { name: "24 months" })).toHaveAttribute("aria-current", "page");
    // The filter form shows the new period's start after the client-side navigation, not the old one's.
    const periodStart = /^Cash flow, (\d{4}-\d{2}-\d{2}) /.exec(await page.locator("#flow-title").innerText())?.[1];
    await expect(page.getByLabel("From (booked on)", { exact: true })).toHaveValue(periodStart ?? "no period start in the heading");
    await expect(page.getByTestId("cash-flow-row")).toHaveCount(2 * 24);
    await expect(page.locator('[data-testid="cash-flow-chart"] [data-testid="cash-flow-month"]').first().locator("title")).toHaveText(/^\w{3} \d{2}: in .+, out .+, net .+$/);
    await expect(page.getByTestId("balance-trend")).toHaveCount(2);
    await expect(page.getByTestId("connection-freshness")).toHaveText(/synced (just now|\d+ minutes? ago)/);
    // For a reviewer's eyes: the demo dashboard at desktop and phone widths, in the test output.
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: test.info().outputPath(`dashboard-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 720 });

    await page.getByRole("link", { name: "Transactions", exact: true }).first().click();
    await expect(page).toHaveURL(/\/transactions/);
    await expect(page.getByTestId("transaction-row").first()).toBeVisible();
    expect(await page.getByTestId("transaction-row").count()).toBeGreaterThan(10);
  });

  test("the dashboard's first-load JavaScript stays under 150 kB gzipped", async ({ page }) => {
    const sizes = new Map<string, number>();
    page.on("response", async (r) => {
      if (r.request().resourceType() !== "script" || r.status() !== 200) return;
      sizes.set(r.url(), gzipSync(await r.body()).length);
    });
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signInExpectingDashboard(OWNER, PASSWORD);
    sizes.clear();
    await page.reload();
    await expect(page.getByTestId("cash-flow-chart").filter({ visible: true }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    test.info().annotations.push({ type: "dashboard first-load JS (gzip)", description: `${(total / 1024).toFixed(1)} kB in ${sizes.size} scripts` });
    console.log(`dashboard first-load JS: ${(total / 1024).toFixed(1)} kB gzipped in ${sizes.size} scripts`);
    expect(sizes.size).toBeGreaterThan(0);
    expect(total).toBeLessThan(150 * 1024);
  });
});

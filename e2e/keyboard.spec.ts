import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { DEMO_OWNER } from "./support/demo-people";
import { tabTo } from "./support/keyboard";
import { nextFreshCode } from "./support/totp";

/**
 * Keyboard alone: no clicks and no locator.fill, only Tab, Shift+Tab, typing and Enter, the way
 * someone who cannot use a mouse signs in. Every stop on the way must show where focus is.
 */
async function signInWithKeys(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  // The e-mail field is the first stop on the page, the password the next, then the button.
  await tabTo(page, (f) => f.inputName === "email", { what: "the e-mail field", max: 1 });
  await page.keyboard.type(email);
  await tabTo(page, (f) => f.inputName === "password", { what: "the password field", max: 1 });
  await page.keyboard.type(password);
  await tabTo(page, (f) => f.tag === "button" && f.name === "Sign in", { what: "the Sign in button", max: 1 });
  await page.keyboard.press("Enter");
}

test.describe("keyboard alone, focus always visible", () => {
  test("sign-in and MFA verification with a code from the authenticator app", async ({ browser, freshUser, signedInWithTotp }) => {
    // Set-up only (mouse allowed): the person has an authenticator app.
    const { secret } = await signedInWithTotp(freshUser);
    const context = await browser.newContext();
    const page = await context.newPage();

    await signInWithKeys(page, freshUser.email, freshUser.password);
    await expect(page).toHaveURL(/\/mfa\/verify(\?|$)/);
    await tabTo(page, (f) => f.inputName === "code", { what: "the code field", max: 3 });
    await page.keyboard.type(await nextFreshCode(secret));
    await tabTo(page, (f) => f.tag === "button" && f.name === "Verify", { what: "the Verify button", max: 1 });
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(freshUser.organizationName);
    await context.close();
  });

  test("the demo owner signs in and uses the dashboard's period selector and the transactions link", async ({ page }) => {
    // The dashboard with numbers needs the demo data: its owner (password set by e2e/demo.setup.ts, no second factor).
    await signInWithKeys(page, DEMO_OWNER.email, DEMO_OWNER.password);
    await expect(page).toHaveURL(/\/dashboard$/);

    await tabTo(page, (f) => f.tag === "a" && f.name === "3 months", { what: "the 3-months period link", max: 60 });
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/dashboard\?.*\bperiod=3\b/);
    await expect(page.getByRole("navigation", { name: "Period" }).getByRole("link", { name: "3 months" })).toHaveAttribute("aria-current", "page");

    // The navigation comes before the period selector: back there with Shift+Tab.
    await tabTo(page, (f) => f.tag === "a" && f.href === "/transactions", { what: "the Transactions link", max: 150, backward: true });
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/transactions$/);
    await expect(page.getByTestId("transaction-row").first()).toBeVisible();
  });
});

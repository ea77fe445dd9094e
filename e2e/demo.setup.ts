import { expect, test as setup } from "@playwright/test";
import { SignInPage } from "./pages/auth-pages";
import { DEMO_OWNER, DEMO_OWNER_STATE, setPasswordThroughForgot } from "./support/demo-people";

/**
 * Runs once before every spec (the "setup" project in playwright.config.ts): the demo owner's
 * password is set through "Forgot password", as the start-up text tells a person to, and the
 * signed-in session is saved. Doing it here, once, matters: a reset ends the owner's other
 * sessions, which would sign out any spec using the owner on the other worker.
 */
setup("the demo owner sets a password through forgot-password and their session is saved", async ({ page }) => {
  await setPasswordThroughForgot(page, DEMO_OWNER.email, DEMO_OWNER.password);
  await new SignInPage(page).signInExpectingDashboard(DEMO_OWNER.email, DEMO_OWNER.password);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Acme Corp");
  await page.context().storageState({ path: DEMO_OWNER_STATE });
});

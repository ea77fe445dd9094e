import path from "node:path";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { ForgotPasswordPage, ResetPasswordPage, SignInPage } from "../pages/auth-pages";
import { linkIn, mailIds, SUBJECTS, waitForMail } from "./outbox";
import { E2E_PORT, REPO_ROOT } from "./paths";

/**
 * The seeded demo people of Acme Corp (SEED_DEMO=true, lib/demo). Their passwords are random at
 * boot, so a test sets one the way the start-up text tells a person to: "Forgot password" and the
 * outbox. A reset ends the person's other sessions, so each is reset exactly once per run: the owner
 * by the setup project (e2e/demo.setup.ts, which saves the owner's session for every spec), the
 * viewer by e2e/a11y.spec.ts alone.
 */
export const DEMO_OWNER = { email: "owner@acme.example", password: "acme demo owner passphrase 7" } as const;
export const DEMO_VIEWER = { email: "taylor@acme.example", password: "acme demo viewer passphrase 4" } as const;

/** The owner's storage state, written by the setup project; per E2E_PORT so parallel runs keep apart. */
export const DEMO_OWNER_STATE = path.join(REPO_ROOT, ".test-output", `demo-owner-state${E2E_PORT === 3100 ? "" : `-${E2E_PORT}`}.json`);

/** Forgot password, the mailed link, a new password: ends on the sign-in page that says so. */
export async function setPasswordThroughForgot(page: Page, email: string, password: string): Promise<void> {
  const before = mailIds(email);
  await new ForgotPasswordPage(page).request(email);
  const link = linkIn(await waitForMail(email, { subject: SUBJECTS.reset, notIn: before }), "/reset-password");
  const reset = new ResetPasswordPage(page);
  await reset.open(link);
  await reset.submit(password);
  await expect(page).toHaveURL(/\/sign-in\?reset=1$/);
}

/**
 * A context signed in as the demo owner from the saved state. A long run can outlast the 30-minute
 * idle timeout; then the owner signs in again with the password setup chose (no second reset).
 */
export async function openAsDemoOwner(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ storageState: DEMO_OWNER_STATE });
  const page = await context.newPage();
  await page.goto("/dashboard");
  if (/\/sign-in(\?|$)/.test(page.url())) await new SignInPage(page).signInExpectingDashboard(DEMO_OWNER.email, DEMO_OWNER.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { context, page };
}

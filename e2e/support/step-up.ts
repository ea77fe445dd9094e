import { expect, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { nextFreshCode } from "./totp";

/**
 * Step-up for end-to-end tests. Sensitive admin changes (roles, members, groups, the MFA policy)
 * want a second factor from the last few minutes; the form then says so with a "Verify now" link.
 * The browser context of an admin who set up an authenticator app remembers its secret here, so
 * page objects can answer that prompt the way a person would.
 */
const secrets = new WeakMap<BrowserContext, string>();

export function rememberTotpSecret(context: BrowserContext, secret: string): void {
  secrets.set(context, secret);
}

export function totpSecretOf(page: Page): string | undefined {
  return secrets.get(page.context());
}

/**
 * From a form showing "Verify now": follows the link to /mfa/step-up, types a fresh code from the
 * app and comes back to the page the form was on.
 */
export async function stepUpFromPrompt(page: Page, secret: string): Promise<void> {
  const back = new URL(page.url());
  await page.getByRole("link", { name: "Verify now" }).click();
  await expect(page).toHaveURL(/\/mfa\/step-up\?next=/);
  await expect(page.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
  const form = page.getByRole("form", { name: "Verify with your authenticator app" });
  await form.getByLabel("Code from your app").fill(await nextFreshCode(secret));
  await form.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(back.href);
}

/**
 * Submits a sensitive form. When the app asks for a fresh second factor instead, steps up with the
 * context's authenticator app and submits again (`submit` must fill the form from scratch: the
 * page is loaded anew). `done` must only match once this submission succeeded.
 */
export async function submitWithStepUp(page: Page, submit: () => Promise<void>, done: Locator): Promise<void> {
  await submit();
  const verify = page.getByRole("link", { name: "Verify now" });
  await expect(done.or(verify).first()).toBeVisible();
  if (await done.first().isVisible()) return;
  const secret = totpSecretOf(page);
  if (!secret) throw new Error("The app asked for step-up, but this browser context has no authenticator app (use the signedInWithTotp fixture).");
  await stepUpFromPrompt(page, secret);
  await submit();
  await expect(done.first()).toBeVisible();
}

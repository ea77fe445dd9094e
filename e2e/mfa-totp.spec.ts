import { AppShell, DashboardPage } from "./pages/app-pages";
import { SignInPage } from "./pages/auth-pages";
import { expect, signInThroughForm, test } from "./fixtures";
import { enrolTotp, nextFreshCode, totpCode } from "./support/totp";
import type { Page } from "@playwright/test";

const INVALID = "That code is not valid. Check your app and try again.";

/** The authenticator-app form on /mfa/verify (or /mfa/step-up). */
function totpForm(page: Page) {
  const form = page.getByRole("form", { name: "Verify with your authenticator app" });
  return {
    alert: form.getByRole("alert"),
    async submit(code: string) {
      await form.getByLabel("Code from your app").fill(code);
      await form.getByRole("button", { name: "Verify" }).click();
    },
  };
}

async function signInWithPasswordOnly(page: Page, who: { email: string; password: string }) {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(who.email, who.password);
  await expect(page).toHaveURL(/\/mfa\/verify(\?|$)/);
}

test.describe("authenticator app (TOTP)", () => {
  test("V6.3.3 V6.5.1 set up from security settings; sign-in then needs a code: wrong refused, right passes, reused refused", async ({ page, freshUser }) => {
    test.setTimeout(120_000);
    await signInThroughForm(page, freshUser);
    const secret = await enrolTotp(page);
    await expect(page.getByText("Authenticator app is on")).toBeVisible();
    await new AppShell(page).signOut();

    // The password alone lands on the second step, and nothing else is reachable from there.
    await signInWithPasswordOnly(page, freshUser);
    await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/mfa\/verify(\?|$)/);
    expect((await page.request.get("/api/me")).status()).not.toBe(200);

    const form = totpForm(page);
    await form.submit(totpCode(secret, 10));
    await expect(form.alert).toHaveText(INVALID);
    await expect(page).toHaveURL(/\/mfa\/verify/);

    const code = await nextFreshCode(secret);
    await form.submit(code);
    await new DashboardPage(page).expectOrganization(freshUser.organizationName);
    await new AppShell(page).signOut();

    // The same code in a new sign-in is refused with the same answer as a wrong one.
    await signInWithPasswordOnly(page, freshUser);
    await totpForm(page).submit(code);
    await expect(totpForm(page).alert).toHaveText(INVALID);
    await totpForm(page).submit(await nextFreshCode(secret));
    await new DashboardPage(page).expectOrganization(freshUser.organizationName);
  });

  test("V6.5.3 the setup shows a scannable QR code and the key; cancelling leaves the account without a second factor", async ({ page, freshUser }) => {
    await signInThroughForm(page, freshUser);
    await page.goto("/settings/security");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
    await expect(qr).toBeVisible();
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    const shown = (await page.getByTestId("totp-secret").textContent()) ?? "";
    expect(shown.split(" ")).toHaveLength(8); // grouped by four for typing
    expect(shown.replace(/ /g, "")).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByRole("button", { name: "Cancel setup" }).click();
    await expect(page.getByRole("button", { name: "Set up authenticator app" })).toBeVisible();
    await new AppShell(page).signOut();
    await signInThroughForm(page, freshUser); // straight to the dashboard: no second step
  });
});

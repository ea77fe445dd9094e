import type { Page } from "@playwright/test";
import { AppShell, DashboardPage } from "./pages/app-pages";
import { SignInPage } from "./pages/auth-pages";
import { expect, signInThroughForm, test } from "./fixtures";
import { mailIds, waitForMail } from "./support/outbox";
import { enrolTotpWithRecoveryCodes, recoveryCodesFrom } from "./support/totp";

const INVALID = "That recovery code is not valid. Check it and try again.";

async function signInWithRecoveryCode(page: Page, who: { email: string; password: string }, code: string) {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(who.email, who.password);
  await expect(page).toHaveURL(/\/mfa\/verify(\?|$)/);
  await page.getByText("Lost your device? Use a recovery code").click();
  const form = page.getByRole("form", { name: "Verify with a recovery code" });
  await form.getByLabel("Recovery code").fill(code);
  await form.getByRole("button", { name: "Use recovery code" }).click();
  return form;
}

test.describe("recovery codes", () => {
  test("V6.5.1 V6.3.5 a recovery code signs in once, the user is e-mailed, and the same code again is refused", async ({ page, freshUser }) => {
    test.setTimeout(90_000);
    await signInThroughForm(page, freshUser);
    const { recoveryCodes } = await enrolTotpWithRecoveryCodes(page);
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    await new AppShell(page).signOut();

    const before = mailIds(freshUser.email);
    await signInWithRecoveryCode(page, freshUser, recoveryCodes[0]!.toUpperCase());
    await new DashboardPage(page).expectOrganization(freshUser.organizationName);
    const mail = await waitForMail(freshUser.email, { subject: /^A recovery code was used/, notIn: before });
    expect(mail.text).toContain("You have 9 recovery codes left.");
    expect(mail.text).not.toContain(recoveryCodes[0]!);

    await page.goto("/settings/security");
    await expect(page.getByTestId("recovery-codes-left")).toContainText("You have 9 of 10 recovery codes left");
    await new AppShell(page).signOut();

    const form = await signInWithRecoveryCode(page, freshUser, recoveryCodes[0]!);
    await expect(form.getByRole("alert")).toHaveText(INVALID);
    await expect(page).toHaveURL(/\/mfa\/verify/);
    await form.getByLabel("Recovery code").fill(recoveryCodes[1]!);
    await form.getByRole("button", { name: "Use recovery code" }).click();
    await new DashboardPage(page).expectOrganization(freshUser.organizationName);
  });

  test("V6.5.1 generating new codes in settings shows ten new ones once, and the old ones stop working", async ({ page, freshUser }) => {
    test.setTimeout(90_000);
    await signInThroughForm(page, freshUser);
    const { recoveryCodes: old } = await enrolTotpWithRecoveryCodes(page);

    // Right after setting up, the session counts as freshly verified: no step-up prompt.
    const regenerate = page.getByRole("form", { name: "Generate new recovery codes" });
    await regenerate.getByLabel("Yes, replace my recovery codes (the old ones stop working)").check();
    await regenerate.getByRole("button", { name: "Generate new recovery codes" }).click();
    await expect(page.getByTestId("recovery-code")).toHaveCount(10);
    const fresh = await recoveryCodesFrom(page);
    expect(fresh.filter((c) => old.includes(c))).toEqual([]);
    await page.getByRole("button", { name: "I have saved these codes" }).click();
    await expect(page.getByTestId("recovery-code")).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("recovery-code")).toHaveCount(0); // shown once
    await new AppShell(page).signOut();

    const form = await signInWithRecoveryCode(page, freshUser, old[5]!);
    await expect(form.getByRole("alert")).toHaveText(INVALID);
    await form.getByLabel("Recovery code").fill(fresh[5]!);
    await form.getByRole("button", { name: "Use recovery code" }).click();
    await new DashboardPage(page).expectOrganization(freshUser.organizationName);
  });
});

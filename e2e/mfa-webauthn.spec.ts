import { AppShell, DashboardPage } from "./pages/app-pages";
import { expect, test, type Identity } from "./fixtures";
import { VirtualAuthenticator } from "./support/virtual-authenticator";
import type { Page } from "@playwright/test";

/** The password step (the sign-in page also offers "Sign in with a passkey", hence the exact name). */
async function enterPassword(page: Page, who: Identity) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test.describe("security keys", () => {
  test("V6.3.3 V6.5.6 V7.5.3 a security key added in settings is then asked for after the password; without it nothing opens", async ({ page, freshUser }) => {
    const key = await VirtualAuthenticator.attach(page, "usb");
    await enterPassword(page, freshUser);
    await expect(page).toHaveURL(/\/dashboard$/);

    // Register it from the security settings.
    await page.goto("/settings/security");
    await page.getByLabel("Key name").fill("Blue YubiKey");
    await page.getByRole("button", { name: "Add security key" }).click();
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: 'Security key "Blue YubiKey" was added.' })).toBeVisible();
    await expect(page.getByTestId("recovery-code")).toHaveCount(10);
    await page.getByRole("button", { name: "I have saved these codes" }).click();
    await expect(page.getByTestId("recovery-code")).toHaveCount(0);
    const row = page.getByTestId("webauthn-credential").filter({ hasText: "Blue YubiKey" });
    await expect(row).toContainText("Security key");
    await expect(row).toContainText("Last used never");
    expect(await key.credentials()).toHaveLength(1);

    await new AppShell(page).signOut();

    // The password alone now leads only to the second step.
    await enterPassword(page, freshUser);
    await expect(page).toHaveURL(/\/mfa\/verify(\?|$)/);

    // Without the key (another, empty one is plugged in instead): a readable failure, and the
    // dashboard stays out of reach.
    const held = await key.unplug();
    await key.plugIn();
    await page.getByRole("button", { name: "Use a security key or passkey" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toContainText(/cancelled or timed out|did not respond|could not verify/);
    await new DashboardPage(page).goto();
    await expect(page).toHaveURL(/\/mfa\/verify(\?|$)/);
    expect((await page.request.get("/api/me")).status()).toBe(401);

    // With the key plugged back in: through to the dashboard.
    await key.unplug();
    await key.plugIn(held);
    await page.getByRole("button", { name: "Use a security key or passkey" }).click();
    await new DashboardPage(page).expectOrganization(freshUser.organizationName);

    // Step-up with the key brings the user back where they were.
    await page.goto("/mfa/step-up?next=%2Fsettings%2Fsecurity");
    await page.getByRole("button", { name: "Use a security key or passkey" }).click();
    await expect(page).toHaveURL(/\/settings\/security$/);

    // Its use is recorded; renaming and (with the fresh second factor) removing work.
    await expect(row).not.toContainText("Last used never");
    await row.getByText("Rename").click();
    await row.getByLabel("New name for Blue YubiKey").fill("Keyring key");
    await row.getByRole("button", { name: "Save name" }).click();
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: 'The key is now called "Keyring key".' })).toBeVisible();
    const renamed = page.getByTestId("webauthn-credential").filter({ hasText: "Keyring key" });
    await renamed.getByLabel("Yes, remove Keyring key").check();
    await renamed.getByRole("button", { name: "Remove" }).click();
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: '"Keyring key" was removed.' })).toBeVisible();
    await expect(page.getByTestId("webauthn-credential")).toHaveCount(0);
  });
});

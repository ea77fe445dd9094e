import { generateKeyPairSync } from "node:crypto";
import { AppShell, DashboardPage } from "./pages/app-pages";
import { expect, test, type Identity } from "./fixtures";
import { VirtualAuthenticator } from "./support/virtual-authenticator";
import type { Page } from "@playwright/test";

async function enterPassword(page: Page, who: Identity) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test.describe("passkeys", () => {
  test("V6.3.3 a passkey added in settings signs in with no e-mail and no password", async ({ page, freshUser }) => {
    const device = await VirtualAuthenticator.attach(page, "internal");
    await enterPassword(page, freshUser);
    await expect(page).toHaveURL(/\/dashboard$/);

    await page.goto("/settings/security");
    await page.getByLabel("Key name").fill("This laptop");
    await page.getByRole("button", { name: "Add passkey" }).click();
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: 'Passkey "This laptop" was added.' })).toBeVisible();
    await page.getByRole("button", { name: "I have saved these codes" }).click();
    await expect(page.getByTestId("webauthn-credential").filter({ hasText: "This laptop" })).toContainText("Passkey");
    const [stored] = await device.credentials();
    expect(stored?.isResidentCredential).toBe(true);

    await new AppShell(page).signOut();

    // Fields left empty: the passkey names the account and verifies the person.
    await expect(page.getByLabel("E-mail")).toHaveValue("");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await new DashboardPage(page).expectOrganization(freshUser.organizationName);
    expect((await page.request.get("/api/me")).status()).toBe(200);
  });

  test("V6.3.8 a passkey this site never registered gets a readable refusal and no session", async ({ page }) => {
    const device = await VirtualAuthenticator.attach(page, "internal");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await device.addUnknownPasskey("localhost", privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"));

    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("That passkey is not registered with ChargeKeep.");
    await expect(page).toHaveURL(/\/sign-in$/);
    expect((await page.request.get("/api/me")).status()).toBe(401);
  });
});

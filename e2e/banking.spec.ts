import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { NORTHWIND_DEMO, SANDBOX_BANK_URLS } from "./support/sandbox-bank";
import { submitWithStepUp } from "./support/step-up";

const NORTHWIND = "Northwind Bank (sandbox)";

/** From /connections: pick the bank and continue (stepping up if the app asks), landing on the bank's sign-in page. */
async function startConnecting(page: Page): Promise<void> {
  await page.goto("/connections");
  await expect(page.getByRole("heading", { name: "Bank connections" })).toBeVisible();
  const form = page.getByRole("form", { name: "Connect a bank" });
  const bankSignIn = page.getByRole("heading", { name: `Sign in to Northwind Bank` });
  await submitWithStepUp(
    page,
    async () => {
      await form.getByLabel("Bank").selectOption({ label: NORTHWIND });
      await form.getByRole("button", { name: "Continue to the bank" }).click();
    },
    bankSignIn,
  );
  expect(page.url().startsWith(SANDBOX_BANK_URLS.northwind)).toBe(true);
}

async function signInAtBank(page: Page): Promise<void> {
  await page.getByLabel("Email").fill(NORTHWIND_DEMO.email);
  await page.getByLabel("Password").fill(NORTHWIND_DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Allow ChargeKeep to read your accounts?" })).toBeVisible();
}

test.describe("bank connections", () => {
  test.describe.configure({ timeout: 150_000 });

  test("V10.4.6 V10.7.1 V10.4.9 a member connects Northwind through the bank's own pages, sees the accounts, and disconnects", async ({ freshUser, signedInWithTotp }) => {
    const { page } = await signedInWithTotp(freshUser);
    await startConnecting(page);
    await signInAtBank(page);
    await expect(page.getByText("read-only")).toBeVisible();
    await page.getByLabel("For how long").selectOption("30");
    await page.getByRole("button", { name: "Allow" }).click();

    // Back in ChargeKeep on the connection's page; the first sync fills in the accounts.
    await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}\?notice=connected$/);
    await expect(page.getByTestId("connections-notice")).toHaveText("Bank connected. The first sync is running.");
    const accounts = page.getByTestId("accounts-table");
    await expect(accounts).toBeVisible({ timeout: 60_000 });
    await expect(accounts.getByRole("row", { name: /Everyday Checking/ })).toContainText("1001");
    await expect(accounts.getByRole("row", { name: /Rainy Day Savings/ })).toBeVisible();
    // Only the mask is ever shown, never the full account number.
    await expect(page.getByText("1200451001")).toHaveCount(0);

    const disconnect = page.getByRole("form", { name: "Disconnect" });
    await disconnect.getByLabel(`Yes, disconnect ${NORTHWIND} and revoke ChargeKeep's access at the bank`).check();
    await disconnect.getByRole("button", { name: "Disconnect" }).click();
    await expect(page).toHaveURL(/\?notice=disconnected$/);
    await expect(page.getByTestId("connections-notice")).toHaveText("Disconnected. The bank has revoked ChargeKeep's access; past transactions are kept.");
    // History stays: the accounts are still listed, read-only.
    await expect(accounts.getByRole("row", { name: /Everyday Checking/ })).toBeVisible();

    await page.goto("/connections");
    const row = page.getByTestId("connection-row").filter({ hasText: NORTHWIND });
    await expect(row.getByText("Disconnected", { exact: true })).toBeVisible();
  });

  test("V10.7.1 denying access at the bank connects nothing and says so", async ({ freshUser, signedInWithTotp }) => {
    const { page } = await signedInWithTotp(freshUser);
    await startConnecting(page);
    await signInAtBank(page);
    await page.getByRole("button", { name: "Deny" }).click();
    await expect(page).toHaveURL(/\/connections\?notice=refused$/);
    await expect(page.getByTestId("connections-notice")).toHaveText("You declined access at the bank, so nothing was connected.");
    await expect(page.getByTestId("connection-row")).toHaveCount(0);
  });
});

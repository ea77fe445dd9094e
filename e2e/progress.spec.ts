import { expect, test } from "./fixtures";
import { SANDBOX_BANK_ADMIN_TOKEN, SANDBOX_BANK_URLS } from "./support/sandbox-bank";
import { submitWithStepUp } from "./support/step-up";

/**
 * Issue 22: the first sync of a new connection shows its progress and the final counts without a
 * reload. Harbor (no other spec uses it) answers every API request slowly for the length of this
 * test, so the sync lasts long enough to watch, however fast the machine.
 */
const HARBOR = "Harbor Credit Union (sandbox)";
const HARBOR_DEMO = { email: "demo@harbor.example", password: "harbor-demo" };

async function bankAdmin(path: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${SANDBOX_BANK_URLS.harbor}/__sandbox${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${SANDBOX_BANK_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.ok, `sandbox ${path}`).toBe(true);
}

test.describe("progress of a first sync", () => {
  test.describe.configure({ timeout: 150_000 });
  test.afterEach(async () => bankAdmin("/reset", {}));

  test("connecting Harbor shows accounts read and transactions stored while the sync runs, then the final counts, without a reload", async ({ freshUser, signedInWithTotp }) => {
    const { page } = await signedInWithTotp(freshUser);
    await bankAdmin("/faults", { delayMs: 1_500 });
    await page.goto("/connections");
    const form = page.getByRole("form", { name: "Connect a bank" });
    await submitWithStepUp(
      page,
      async () => {
        await form.getByLabel("Bank").selectOption({ label: HARBOR });
        await form.getByRole("button", { name: "Continue to the bank" }).click();
      },
      page.getByRole("heading", { name: /Sign in to Harbor/ }),
    );
    await page.getByLabel("Email").fill(HARBOR_DEMO.email);
    await page.getByLabel("Password").fill(HARBOR_DEMO.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}\?notice=connected$/);

    // A mark on this document: a reload would lose it, so at the end it proves the page updated itself.
    await page.waitForLoadState("load");
    await page.evaluate(() => Object.assign(window, { progressMark: "still here" }));
    const progress = page.getByTestId("sync-progress");
    await expect(progress).toBeVisible();
    const status = progress.getByRole("status");
    await expect(status).toHaveAttribute("aria-live", "polite");
    // While it runs: a <progress> of accounts read (a total is known once the bank listed them).
    const bar = progress.getByRole("progressbar", { name: "Accounts read" });
    await expect(bar).toBeVisible({ timeout: 30_000 });
    await expect(bar).toHaveAttribute("max", "3");
    await expect(status).toContainText(/Syncing: \d of 3 accounts read\./);
    // The accounts appear while transactions are still being read.
    await expect(page.getByTestId("accounts-table").getByRole("row", { name: /Share Draft/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("sync-progress-counts")).toContainText(/transactions stored so far/);

    // Faster from here on: the run finishes and the page says so, with the final numbers.
    await bankAdmin("/reset", {});
    await expect(status).toHaveText(/^Sync finished: 3 accounts, [\d,]+ transactions stored\.$/, { timeout: 90_000 });
    await expect(progress.getByRole("progressbar")).toHaveCount(0);
    const finalText = (await status.textContent())!;
    const stored = Number(/([\d,]+) transactions/.exec(finalText)![1]!.replace(/,/g, ""));
    expect(stored).toBeGreaterThan(100);
    await expect(page.getByTestId("sync-progress-counts")).toHaveText(`${stored.toLocaleString("en-US")} transactions stored, 3 of 3 accounts read.`);
    // The recent-syncs table (re-read by the page, not reloaded) agrees.
    await expect(page.getByRole("table", { name: /Recent syncs/ }).getByRole("row").nth(1)).toContainText("succeeded");
    expect(await page.evaluate(() => (window as unknown as { progressMark?: string }).progressMark)).toBe("still here");
  });
});

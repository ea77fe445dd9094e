import { expect, signInThroughForm, test } from "./fixtures";

const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

test.describe("alerts", () => {
  test.describe.configure({ timeout: 90_000 });

  test("V16.3.1 a sign-in from a new device raises an alert that the owner acknowledges", async ({ browser, freshUser, signedIn }) => {
    // The first sign-in ever raises nothing; the second, from another browser and system, does.
    const first = await signedIn(freshUser);
    await first.page.goto("/admin/alerts");
    await expect(first.page.getByTestId("open-alerts")).toHaveCount(0);

    const context = await browser.newContext({ userAgent: FIREFOX_ON_WINDOWS });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, freshUser);
      await page.goto("/admin/alerts");
      const open = page.getByTestId("open-alerts").getByTestId("alert-row").filter({ hasText: "Sign-in from a new device" });
      await expect(open).toHaveCount(1);
      await expect(open).toContainText("Firefox on Windows");
      await expect(open).toContainText("low");

      await open.getByRole("button", { name: "Acknowledge" }).click();
      // The row moves from the open list to the acknowledged one (the page re-renders in place).
      await expect(page.getByTestId("past-alerts").getByTestId("alert-row").filter({ hasText: "Sign-in from a new device" })).toContainText("Acknowledged");
      await page.reload();
      await expect(page.getByTestId("open-alerts").getByText("Sign-in from a new device")).toHaveCount(0);
      await expect(page.getByTestId("past-alerts").getByTestId("alert-row").filter({ hasText: "Sign-in from a new device" })).toHaveCount(1);
    } finally {
      await context.close();
    }
  });
});

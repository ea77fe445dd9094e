import { AppShell } from "./pages/app-pages";
import { ForgotPasswordPage, ResetPasswordPage, SignInPage } from "./pages/auth-pages";
import { expect, test } from "./fixtures";
import { linkIn, mailIds, SUBJECTS, waitForMail } from "./support/outbox";

/**
 * "Looks": the main pages with the demo data, at desktop and phone widths, saved into the test
 * output (.test-output/e2e-artifacts-<port>/screenshots-*) for a reviewer's eyes. Signed in as the
 * demo admin, Priya, whose password only this spec sets (the same lost-password path the start-up
 * text gives), so it never ends the demo owner's sessions that other specs use.
 */
const ADMIN = "priya@acme.example";
const PASSWORD = "acme demo admin passphrase 5";
const WIDTHS = [1280, 375] as const;

const PAGES = [
  { name: "dashboard", path: "/dashboard" },
  { name: "transactions", path: "/transactions" },
  { name: "banks", path: "/connections" },
  { name: "security-settings", path: "/settings/security" },
  { name: "members", path: "/admin/members" },
  { name: "audit-log", path: "/admin/audit" },
];

test.describe("looks", () => {
  test("screenshots of the main pages with the demo data at 1280 px and 375 px, none of them scrolling sideways on a phone", async ({ page }) => {
    test.setTimeout(150_000);
    const shot = async (name: string, width: number) => {
      await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
    };
    const signIn = new SignInPage(page);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await signIn.goto();
      await shot("sign-in", width);
    }

    const before = mailIds(ADMIN);
    await new ForgotPasswordPage(page).request(ADMIN);
    const reset = new ResetPasswordPage(page);
    await reset.open(linkIn(await waitForMail(ADMIN, { subject: SUBJECTS.reset, notIn: before }), "/reset-password"));
    await reset.submit(PASSWORD);
    await expect(page).toHaveURL(/\/sign-in\?reset=1$/);
    await signIn.signInExpectingDashboard(ADMIN, PASSWORD);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Acme Corp");

    const overflowing: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const p of PAGES) {
        await page.goto(p.path);
        await expect(page.getByRole("heading", { level: 1 }).first(), p.path).toBeVisible();
        // Charts and tables render on the server; wait for fonts and the last request, not a fixed time.
        await page.waitForLoadState("networkidle");
        await shot(p.name, width);
        const extra = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (extra > 0) overflowing.push(`${p.path} at ${width}px: ${extra}px too wide`);
      }
    }
    // Nested pages (a member, an audit event, a bank connection) must not scroll sideways either.
    for (const [list, prefix] of [
      ["/admin/members", "/admin/members/"],
      ["/admin/audit", "/admin/audit/"],
      ["/connections", "/connections/"],
    ] as const) {
      await page.goto(list);
      const href = await page.getByRole("main").locator(`a[href^="${prefix}"]`).first().getAttribute("href");
      expect(href, list).toBeTruthy();
      await page.goto(href!);
      await expect(page.getByRole("heading", { level: 1 }).first(), href!).toBeVisible();
      await shot(`${list.split("/").at(-1)}-detail`, 375);
      const extra = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (extra > 0) overflowing.push(`${href} at 375px: ${extra}px too wide`);
    }
    // The phone menu, open.
    const shell = new AppShell(page);
    await page.goto("/dashboard");
    await shell.menuButton.click();
    await expect(shell.mainNav).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("menu-open-375.png") });
    expect(overflowing).toEqual([]);
  });
});

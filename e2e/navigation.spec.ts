import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { AppShell } from "./pages/app-pages";
import { MembersAdminPage } from "./pages/admin-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";

const PHONE = { width: 375, height: 800 };

/** An owner's pages (every permission): the ones a narrow screen must show without sideways scrolling. */
const OWNER_PAGES = [
  "/dashboard",
  "/transactions",
  "/connections",
  "/transfers",
  "/settings/security",
  "/settings/sessions",
  "/settings/ssh-keys",
  "/settings/activity",
  "/settings/organizations",
  "/admin/members",
  "/admin/groups",
  "/admin/roles",
  "/admin/invitations",
  "/settings/mfa-policy",
  "/admin/sso",
  "/admin/scim",
  "/admin/domains",
  "/admin/audit",
  "/admin/alerts",
  "/admin/alert-settings",
  "/admin/firewall",
  "/admin/defense",
  "/admin/webhooks",
  "/admin/backups",
];

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The element the keyboard is on, as "tag:accessible text" for readable failures. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? `${el.tagName.toLowerCase()}:${(el.innerText || el.getAttribute("aria-label") || "").replace(/\s+/g, " ").trim()}` : "none";
  });
}

async function tabUntil(page: Page, target: Locator, max = 15) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached the target; focus is on ${await focused(page)}`);
}

const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

test.describe("grouped navigation", () => {
  test("the navigation is grouped into sections, marks the current place (also on a nested page) not by colour alone, and keeps account and organization in one menu", async ({
    authedPage: page,
    account,
  }) => {
    const shell = new AppShell(page);
    await page.goto("/dashboard");
    for (const [section, links] of [
      ["Reports", ["Dashboard", "Transactions"]],
      ["Data in and out", ["Banks", "File transfer"]],
      ["Settings", ["Security", "Sessions", "SSH keys", "Activity", "Organizations"]],
      ["Administration", ["Members", "Groups", "Roles", "Invitations", "MFA policy", "Single sign-on", "SCIM", "Domains", "Audit log", "Alerts", "Firewall", "Defense", "Webhooks", "Backups"]],
    ] as const) {
      for (const name of links) await expect(shell.section(section).getByRole("link", { name, exact: true }), `${section} > ${name}`).toBeVisible();
    }
    // Contact messages are for operators only; this owner is not one.
    await expect(shell.mainNav.getByRole("link", { name: "Contact messages" })).toHaveCount(0);

    const dashboard = shell.mainNav.getByRole("link", { name: "Dashboard" });
    const transactions = shell.mainNav.getByRole("link", { name: "Transactions" });
    await expect(dashboard).toHaveAttribute("aria-current", "page");
    await expect(shell.mainNav.locator('[aria-current="page"]')).toHaveCount(1);
    // Visible without colour: a thick bar and bold type that the other links do not have.
    const look = (l: Locator) => l.evaluate((el) => ({ bar: getComputedStyle(el).borderLeftColor, weight: getComputedStyle(el).fontWeight }));
    const [here, there] = [await look(dashboard), await look(transactions)];
    expect(Number(here.weight)).toBeGreaterThanOrEqual(600);
    expect(Number(there.weight)).toBeLessThan(600);
    expect(here.bar).not.toBe("rgba(0, 0, 0, 0)");
    expect(there.bar).toBe("rgba(0, 0, 0, 0)");

    // A member's own page lies below Members: Members stays the current place, client-side navigation included.
    await shell.mainNav.getByRole("link", { name: "Members" }).click();
    const members = new MembersAdminPage(page);
    await expect(page.getByRole("heading", { level: 1, name: /^Members of / })).toBeVisible();
    await page.goto(`/admin/members/${await members.userIdOf(account.email)}`);
    await expect(shell.mainNav.getByRole("link", { name: "Members" })).toHaveAttribute("aria-current", "page");
    await expect(shell.mainNav.locator('[aria-current="page"]')).toHaveCount(1);
    await expect(dashboard).not.toHaveAttribute("aria-current", /.*/);

    // Who and where, in one place: name, e-mail, the organization switcher, Security, Sessions, Sign out.
    await expect(shell.accountMenu).toBeHidden();
    await expect(shell.accountButton).toHaveAttribute("aria-expanded", "false");
    await shell.openAccountMenu();
    await expect(shell.accountButton).toHaveAttribute("aria-expanded", "true");
    await expect(shell.accountButton).toHaveAttribute("aria-controls", "account-menu");
    await expect(shell.accountMenu).toContainText(account.name);
    await expect(shell.accountMenu).toContainText(account.email);
    await expect(shell.accountMenu.getByLabel("Organization")).toHaveValue(/.+/);
    await expect(shell.accountMenu.getByRole("option", { name: account.organizationName })).toBeAttached();
    for (const name of ["Security", "Sessions"]) await expect(shell.accountMenu.getByRole("link", { name })).toBeVisible();
    await expect(shell.accountMenu.getByRole("button", { name: "Sign out" })).toBeVisible();
    // A press outside closes it.
    await page.getByRole("main").click({ position: { x: 5, y: 5 } });
    await expect(shell.accountMenu).toBeHidden();
  });

  test("a viewer's navigation has no administration section and no admin links; the pages themselves still refuse", async ({ browser, freshUser, signedIn }) => {
    const owner = await signedIn(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser, { roleName: "Viewer", tag: "navviewer" });
    const { page } = await signedIn(invitee);
    const shell = new AppShell(page);
    await expect(shell.section("Reports").getByRole("link", { name: "Dashboard" })).toBeVisible();
    await expect(shell.section("Data in and out").getByRole("link", { name: "Banks" })).toBeVisible();
    await expect(shell.section("Administration")).toHaveCount(0);
    await expect(shell.mainNav.locator('a[href^="/admin"], a[href="/settings/mfa-policy"], a[href="/transactions"]')).toHaveCount(0);
    // Hiding a link is a courtesy; the server is the check.
    expect((await page.goto("/admin/members"))?.status()).toBe(403);
  });

  test("on a 375 px screen the navigation sits behind a labelled menu button that opens and closes it, and no page scrolls sideways", async ({ authedPage: page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(PHONE);
    const shell = new AppShell(page);
    await page.goto("/dashboard");
    await expect(shell.mainNav).toBeHidden();
    await expect(shell.menuButton).toBeVisible();
    await expect(shell.menuButton).toHaveAttribute("aria-expanded", "false");
    await expect(shell.menuButton).toHaveAttribute("aria-controls", "main-nav");

    await shell.menuButton.click();
    await expect(shell.menuButton).toHaveAttribute("aria-expanded", "true");
    await expect(shell.mainNav).toBeVisible();
    await expect(shell.section("Administration")).toBeVisible();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shell.section("Reports").getByRole("link", { name: "Transactions" }).click();
    await expect(page).toHaveURL(/\/transactions$/);
    // Following a link closes the menu.
    await expect(shell.mainNav).toBeHidden();
    await expect(shell.menuButton).toHaveAttribute("aria-expanded", "false");

    // The account menu fits the screen too.
    await shell.openAccountMenu();
    const box = (await shell.accountMenu.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

    const overflowing: string[] = [];
    for (const path of OWNER_PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 }).first(), path).toBeVisible();
      const extra = await horizontalOverflow(page);
      if (extra > 0) overflowing.push(`${path}: ${extra}px too wide`);
    }
    expect(overflowing).toEqual([]);
  });

  test("keyboard alone: Tab reaches the menu button and every link in order, Enter opens and follows, Escape closes and returns focus", async ({ authedPage: page }) => {
    await page.setViewportSize(PHONE);
    const shell = new AppShell(page);
    await page.goto("/dashboard");

    // The first stop is the skip link.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();

    await tabUntil(page, shell.menuButton);
    // Focus is visible (the house outline).
    expect(await shell.menuButton.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe("none");
    await page.keyboard.press("Enter");
    await expect(shell.menuButton).toHaveAttribute("aria-expanded", "true");
    // Tab goes from the button straight into the navigation it opened, link after link.
    await page.keyboard.press("Tab");
    await expect(shell.mainNav.getByRole("link", { name: "Dashboard" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(shell.mainNav.getByRole("link", { name: "Transactions" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(shell.mainNav).toBeHidden();
    await expect(shell.menuButton).toBeFocused();

    await page.keyboard.press("Enter");
    const links = shell.mainNav.getByRole("link");
    const count = await links.count();
    for (let i = 0; i < count; i++) {
      await page.keyboard.press("Tab");
      expect(await isFocused(links.nth(i)), `link ${i}: focus on ${await focused(page)}`).toBe(true);
    }
    // Escape from deep in the list, then back to Transactions and follow it with Enter.
    await page.keyboard.press("Escape");
    await expect(shell.menuButton).toBeFocused();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/transactions$/);
    await expect(shell.mainNav).toBeHidden();
    await shell.menuButton.press("Enter");
    await expect(shell.mainNav.getByRole("link", { name: "Transactions" })).toHaveAttribute("aria-current", "page");
    await page.keyboard.press("Escape");

    // The account menu answers the same keys.
    await page.goto("/settings/sessions");
    await tabUntil(page, shell.accountButton);
    await page.keyboard.press("Enter");
    await expect(shell.accountMenu).toBeVisible();
    await tabUntil(page, shell.accountMenu.getByRole("link", { name: "Sessions" }));
    await page.keyboard.press("Escape");
    await expect(shell.accountMenu).toBeHidden();
    await expect(shell.accountButton).toBeFocused();
  });

  test("axe finds no serious or critical problem in the header, the account menu and the navigation, open or closed, wide or narrow", async ({ authedPage: page }) => {
    const shell = new AppShell(page);
    const problems: string[] = [];
    const check = async (when: string) => {
      const result = await new AxeBuilder({ page })
        .include("header")
        .include("#main-nav")
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
        .analyze();
      for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
        problems.push(`${when}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}: ${v.help}`);
      }
    };
    await page.goto("/admin/members");
    await check("1280, closed");
    await shell.openAccountMenu();
    await check("1280, account menu open");
    await page.setViewportSize(PHONE);
    await page.goto("/admin/members");
    await shell.menuButton.click();
    await expect(shell.mainNav).toBeVisible();
    await check("375, menu open");
    expect(problems).toEqual([]);
  });
});

import { expect, type Locator, type Page } from "@playwright/test";

/**
 * The signed-in shell: the header (account menu, and the menu button on narrow screens) and the
 * grouped main navigation. Sign-out and the organization switcher live in the account menu.
 */
export class AppShell {
  readonly banner: Locator;
  readonly mainNav: Locator;
  readonly accountButton: Locator;
  readonly accountMenu: Locator;
  readonly menuButton: Locator;

  constructor(readonly page: Page) {
    this.banner = page.getByRole("banner");
    this.mainNav = page.getByRole("navigation", { name: "Main" });
    this.accountButton = this.banner.getByRole("button", { name: /^Account menu/ });
    this.accountMenu = page.locator("#account-menu");
    this.menuButton = this.banner.getByRole("button", { name: "Menu", exact: true });
  }

  /** A section of the main navigation, by its heading ("Reports", "Administration", ...). */
  section(name: string): Locator {
    return this.mainNav.getByRole("list", { name, exact: true });
  }

  async openAccountMenu() {
    if ((await this.accountButton.getAttribute("aria-expanded")) !== "true") await this.accountButton.click();
    await expect(this.accountMenu).toBeVisible();
  }

  async signOut() {
    await this.openAccountMenu();
    await this.accountMenu.getByRole("button", { name: "Sign out" }).click();
    await expect(this.page).toHaveURL(/\/sign-in$/);
  }

  async switchOrganization(name: string) {
    await this.openAccountMenu();
    await this.accountMenu.getByLabel("Organization").selectOption({ label: name });
    await this.accountMenu.getByRole("button", { name: "Switch" }).click();
  }
}

export class DashboardPage {
  readonly title: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByRole("heading", { level: 1 });
  }

  async goto() {
    await this.page.goto("/dashboard");
  }

  async expectOrganization(name: string) {
    await expect(this.page).toHaveURL(/\/dashboard$/);
    await expect(this.title).toHaveText(name);
  }
}

export class SessionsPage {
  readonly rows: Locator;
  readonly currentRow: Locator;
  readonly otherRows: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId("session-row");
    this.currentRow = this.rows.filter({ hasText: "this browser" });
    this.otherRows = this.rows.filter({ hasNotText: "this browser" });
    this.status = page.getByRole("main").getByRole("status");
  }

  async goto() {
    await this.page.goto("/settings/sessions");
    await expect(this.page.getByRole("heading", { name: "Where you are signed in" })).toBeVisible();
  }

  /** A password-only user confirms with the password (ASVS V7.5.2); pass it to fill the field first. */
  async signOutOther(row: Locator, password?: string) {
    if (password) await this.page.getByLabel("Your password").fill(password);
    await row.getByRole("button", { name: "Sign out this session" }).click();
  }

  async signOutAllOthers(password?: string) {
    if (password) await this.page.getByLabel("Your password").fill(password);
    await this.page.getByRole("button", { name: "Sign out all other sessions" }).click();
  }
}

export class ContactPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/contact");
    await expect(this.page.getByRole("heading", { name: "Contact ChargeKeep" })).toBeVisible();
  }

  async submit(v: { name: string; email: string; message: string }) {
    await this.page.getByLabel("Your name").fill(v.name);
    await this.page.getByLabel("E-mail").fill(v.email);
    await this.page.getByLabel("Message").fill(v.message);
    await this.page.getByRole("button", { name: "Send message" }).click();
  }
}

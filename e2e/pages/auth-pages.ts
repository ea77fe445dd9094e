import { expect, type Locator, type Page } from "@playwright/test";

/** Page objects for the public auth pages. Locators go by label and role, as a person would. */

export class SignUpPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/sign-up");
    await expect(this.page.getByRole("heading", { name: "Create your ChargeKeep account" })).toBeVisible();
  }

  async submit(u: { name: string; organizationName: string; email: string; password: string }) {
    await this.page.getByLabel("Your name").fill(u.name);
    await this.page.getByLabel("Organization name").fill(u.organizationName);
    await this.page.getByLabel("Work e-mail").fill(u.email);
    await this.page.getByLabel("Password", { exact: true }).fill(u.password);
    await this.page.getByRole("button", { name: "Create account" }).click();
  }
}

export class SignInPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submitButton: Locator;
  /** The form-level message (FormMessage): role=alert for failures. */
  readonly formAlert: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel("E-mail");
    this.password = page.getByLabel("Password", { exact: true });
    this.submitButton = page.getByRole("button", { name: "Sign in", exact: true });
    this.formAlert = page.locator("form").getByRole("alert").first();
  }

  async goto(query = "") {
    await this.page.goto(`/sign-in${query}`);
    await this.expectHere();
  }

  async expectHere() {
    await expect(this.page).toHaveURL(/\/sign-in(\?|$)/);
    await expect(this.page.getByRole("heading", { name: "Sign in to ChargeKeep" })).toBeVisible();
  }

  async signIn(email: string, password: string) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submitButton.click();
  }

  /** Signs in and waits for the dashboard. */
  async signInExpectingDashboard(email: string, password: string) {
    await this.signIn(email, password);
    await expect(this.page).toHaveURL(/\/dashboard$/);
  }

  /** Signs in and returns the failure message the form shows. */
  async signInExpectingError(email: string, password: string): Promise<string> {
    await this.signIn(email, password);
    await expect(this.formAlert).toBeVisible();
    await expect(this.page).toHaveURL(/\/sign-in(\?|$)/);
    return (await this.formAlert.textContent())?.trim() ?? "";
  }
}

export class VerifyEmailPage {
  constructor(readonly page: Page) {}

  async confirm(link: string) {
    await this.page.goto(link);
    await this.page.getByRole("button", { name: "Confirm my e-mail address" }).click();
    await expect(this.page).toHaveURL(/\/sign-in\?verified=1$/);
    await expect(this.page.getByRole("main").getByRole("status")).toHaveText("Your e-mail address is confirmed. You can sign in now.");
  }
}

export class ForgotPasswordPage {
  constructor(readonly page: Page) {}

  async request(email: string) {
    await this.page.goto("/forgot-password");
    await this.page.getByLabel("E-mail").fill(email);
    await this.page.getByRole("button", { name: "Send reset link" }).click();
    await expect(this.page.getByRole("main").getByRole("status")).toHaveText(
      "If an account uses that address, we have sent it a link to reset the password. It expires in 30 minutes.",
    );
  }
}

export class ResetPasswordPage {
  readonly password: Locator;
  readonly formAlert: Locator;

  constructor(readonly page: Page) {
    this.password = page.getByLabel("New password");
    this.formAlert = page.locator("form").getByRole("alert").first();
  }

  async open(link: string) {
    await this.page.goto(link);
    await expect(this.page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  }

  async submit(password: string) {
    await this.password.fill(password);
    await this.page.getByRole("button", { name: "Set new password" }).click();
  }
}

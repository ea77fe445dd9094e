import { expect, type Locator, type Page } from "@playwright/test";
import { submitWithStepUp } from "../support/step-up";

/**
 * Page objects for the admin dashboard (members, invitations, roles) and the public invitation page.
 * Sensitive changes go through submitWithStepUp: when the app asks for a fresh second factor, the
 * admin verifies with their authenticator app and submits again, as a person would.
 */

export class InvitationsAdminPage {
  readonly inviteForm: Locator;
  readonly listStatus: Locator;

  constructor(readonly page: Page) {
    this.inviteForm = page.getByRole("form", { name: "Invite someone" });
    this.listStatus = page.getByRole("region", { name: "Pending invitations" }).getByRole("status");
  }

  async goto() {
    await this.page.goto("/admin/invitations");
    await expect(this.page.getByRole("heading", { level: 1, name: "Invitations" })).toBeVisible();
  }

  row(email: string): Locator {
    return this.page.getByRole("listitem", { name: `Invitation to ${email}` });
  }

  async invite(email: string, roleName: string) {
    await this.inviteForm.getByLabel("E-mail address").fill(email);
    await this.inviteForm.getByLabel("Role", { exact: true }).selectOption({ label: roleName });
    await this.inviteForm.getByRole("button", { name: "Send invitation" }).click();
    await expect(this.inviteForm.getByRole("status")).toHaveText(`Invitation sent to ${email}. The link works once and expires in 7 days.`);
  }

  async revoke(email: string, { confirm }: { confirm: boolean }) {
    const row = this.row(email);
    if (confirm) await row.getByRole("checkbox", { name: `Yes, revoke the invitation to ${email}` }).check();
    await row.getByRole("button", { name: "Revoke invitation" }).click();
  }
}

export class InviteAcceptPage {
  constructor(readonly page: Page) {}

  async open(link: string, organizationName: string) {
    await this.page.goto(link);
    await expect(this.page.getByRole("heading", { name: `Join ${organizationName}` })).toBeVisible();
  }

  async createAccount(name: string, password: string) {
    await this.page.getByLabel("Your name").fill(name);
    await this.page.getByLabel("Password", { exact: true }).fill(password);
    await this.page.getByRole("button", { name: "Create account and join" }).click();
    await expect(this.page).toHaveURL(/\/sign-in\?joined=1$/);
  }

  async expectInvalid(link: string) {
    await this.page.goto(link);
    await expect(this.page.getByRole("main").getByRole("alert")).toHaveText(
      "This invitation is invalid, was already used, was withdrawn or has expired. Ask for a new one.",
    );
  }
}

export class MembersAdminPage {
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId("member-row");
  }

  async goto(query = "") {
    await this.page.goto(`/admin/members${query}`);
    await expect(this.page.getByRole("heading", { level: 1, name: /^Members of / })).toBeVisible();
  }

  row(email: string): Locator {
    return this.rows.filter({ hasText: email });
  }

  /** The member's id, read from the link to their page. */
  async userIdOf(email: string): Promise<string> {
    const href = await this.row(email).getByRole("link").first().getAttribute("href");
    const id = href?.match(/\/admin\/members\/([0-9a-f-]{36})$/)?.[1];
    if (!id) throw new Error(`no member link for ${email}: ${href}`);
    return id;
  }

  async openMember(email: string, name: string) {
    await this.row(email).getByRole("link", { name }).click();
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
    return new MemberAdminPage(this.page);
  }
}

export class MemberAdminPage {
  readonly roleForm: Locator;
  readonly access: Locator;
  readonly role: Locator;
  readonly status: Locator;
  readonly effective: Locator;

  constructor(readonly page: Page) {
    this.roleForm = page.getByRole("form", { name: "Role" });
    this.access = page.getByRole("region", { name: "Access" });
    this.role = page.getByTestId("member-role");
    this.status = page.getByTestId("member-status");
    this.effective = page.getByRole("table", { name: /^Effective permissions of / });
  }

  async goto(userId: string) {
    return this.page.goto(`/admin/members/${userId}`);
  }

  async changeRole(roleName: string) {
    await submitWithStepUp(
      this.page,
      async () => {
        await this.roleForm.getByLabel("Role in this organization").selectOption({ label: roleName });
        await this.roleForm.getByRole("button", { name: "Change role" }).click();
      },
      this.roleForm.getByRole("status").filter({ hasText: "The role was changed." }),
    );
    await expect(this.roleForm.getByRole("status")).toHaveText("The role was changed. It applies from the member's next request.");
    await expect(this.role).toHaveText(roleName);
  }

  async suspend(name: string, { confirm }: { confirm: boolean }) {
    const submit = async () => {
      if (confirm) await this.access.getByRole("checkbox", { name: `Yes, suspend ${name}` }).check();
      await this.access.getByRole("button", { name: "Suspend member" }).click();
    };
    // Unconfirmed, the server refuses before any step-up: the caller checks the message.
    if (!confirm) return submit();
    await submitWithStepUp(this.page, submit, this.access.getByRole("status").filter({ hasText: "The member is suspended" }));
  }

  async reactivate(name: string) {
    await submitWithStepUp(
      this.page,
      () => this.access.getByRole("button", { name: `Reactivate ${name}` }).click(),
      this.access.getByRole("status").filter({ hasText: "The member is active again" }),
    );
    await expect(this.access.getByRole("status")).toHaveText("The member is active again and can sign in.");
  }

  /** The effective-permissions row of one permission (e.g. "reports:export"). */
  permissionRow(permission: string): Locator {
    return this.effective.getByRole("row").filter({ has: this.page.getByRole("rowheader").filter({ hasText: permission }) });
  }

  /** Every button a member manager would use: none of them may show for someone without the permission. */
  managementButtons(): Locator[] {
    return ["Change role", "Suspend member", "Sign out everywhere", "Force password reset", "Remove member"].map((name) =>
      this.page.getByRole("button", { name }),
    );
  }
}

export class RolesAdminPage {
  readonly form: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole("form", { name: "Create a custom role" });
  }

  async goto() {
    await this.page.goto("/admin/roles");
    await expect(this.page.getByRole("heading", { level: 1, name: "Roles" })).toBeVisible();
  }

  /** A role in the tree (the list item labelled with its name, holding its junior roles). */
  node(name: string): Locator {
    return this.page.getByRole("listitem", { name, exact: true });
  }

  async createRole(r: { name: string; description: string; below: string; permissions: string[] }) {
    await submitWithStepUp(
      this.page,
      async () => {
        await this.form.getByLabel("Name", { exact: true }).fill(r.name);
        await this.form.getByLabel("Description").fill(r.description);
        await this.form.getByLabel("Sits directly below").selectOption({ label: r.below });
        for (const p of r.permissions) await this.form.getByRole("checkbox", { name: new RegExp(`^${p} `) }).check();
        await this.form.getByRole("button", { name: "Create role" }).click();
      },
      this.page.getByRole("status").filter({ hasText: "The role was created." }),
    );
    await expect(this.page).toHaveURL(/\/admin\/roles\?created=1$/);
    await expect(this.page.getByRole("status")).toHaveText("The role was created.");
  }
}

export class GroupsAdminPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin/groups");
    await expect(this.page.getByRole("heading", { level: 1, name: "Groups" })).toBeVisible();
  }

  /** Creates a group carrying `roles` and lands on its page. */
  async createGroup(g: { name: string; roles: string[] }) {
    const form = this.page.getByRole("form", { name: "Create a group" });
    await submitWithStepUp(
      this.page,
      async () => {
        await form.getByLabel("Name", { exact: true }).fill(g.name);
        for (const r of g.roles) await form.getByRole("checkbox", { name: new RegExp(`^${r}\\b`) }).check();
        await form.getByRole("button", { name: "Create group" }).click();
      },
      this.page.getByRole("heading", { level: 1, name: g.name }),
    );
    await expect(this.page).toHaveURL(/\/admin\/groups\/[0-9a-f-]{36}\?created=1$/);
    await expect(this.page.getByRole("heading", { level: 1, name: g.name })).toBeVisible();
  }

  /** On a group's page: adds a member chosen by the select's "Name (e-mail)" text. */
  async addMember(who: { name: string; email: string }) {
    const form = this.page.getByRole("form", { name: "Add a member" });
    await submitWithStepUp(
      this.page,
      async () => {
        await form.getByLabel("Member", { exact: true }).selectOption({ label: `${who.name} (${who.email})` });
        await form.getByRole("button", { name: "Add to group" }).click();
      },
      this.page.getByTestId("group-member").filter({ hasText: who.email }),
    );
    await expect(this.page.getByRole("status")).toHaveText("The member was added to the group.");
    await expect(this.page.getByTestId("group-member").filter({ hasText: who.email })).toHaveCount(1);
  }
}

const POLICY_CHOICE = { off: /^Nobody is required to/, all: /^Everyone in /, roles: /^Members with the roles chosen below/ } as const;

/** Settings > MFA policy (owners): the policy form and every member's two-step verification. */
export class MfaPolicyPage {
  readonly form: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole("form", { name: "Policy" });
    this.rows = page.getByTestId("mfa-member-row");
  }

  async goto() {
    await this.page.goto("/settings/mfa-policy");
    await this.expectHere();
  }

  async expectHere() {
    await expect(this.page).toHaveURL(/\/settings\/mfa-policy$/);
    await expect(this.page.getByRole("heading", { level: 1, name: "Two-step verification policy" })).toBeVisible();
  }

  row(email: string): Locator {
    return this.rows.filter({ hasText: email });
  }

  /** Saves the policy (from a freshly loaded page, so the confirmation seen is this save's), stepping up if asked. */
  async save(p: { policy: keyof typeof POLICY_CHOICE; roles?: string[]; graceDays: number }) {
    await this.goto();
    await submitWithStepUp(
      this.page,
      async () => {
        await this.form.getByRole("radio", { name: POLICY_CHOICE[p.policy] }).check();
        if (p.policy === "roles") {
          const boxes = this.form.getByRole("group", { name: "Roles that must use it" }).getByRole("checkbox");
          for (const box of await boxes.all()) {
            const name = (await box.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? "")).trim();
            await box.setChecked((p.roles ?? []).includes(name));
          }
        }
        await this.form.getByLabel("Grace period in days").fill(String(p.graceDays));
        await this.form.getByRole("button", { name: "Save policy" }).click();
      },
      this.form.getByRole("status").filter({ hasText: "The policy was saved." }),
    );
  }
}

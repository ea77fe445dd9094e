import { DashboardPage } from "./pages/app-pages";
import { SignInPage } from "./pages/auth-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";
import { pushDirectory, scimClient, setActive } from "../sandbox-idp/scim-push";

test.describe("SCIM provisioning", () => {
  // An owner with an authenticator app and an invited member, both through the real forms: more than the default budget.
  test.describe.configure({ timeout: 120_000 });

  test("V7.4.2 V16.3.3 the directory deactivates a signed-in member: their next request is refused and the audit log says who and why", async ({
    browser,
    freshUser,
    signedIn,
    signedInWithTotp,
  }) => {
    const owner = await signedInWithTotp(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser);
    const member = await signedIn(invitee);

    // The owner creates a SCIM token: shown once, with the endpoint to give the identity provider.
    await owner.page.goto("/admin/scim");
    await expect(owner.page.getByRole("heading", { name: "SCIM provisioning" })).toBeVisible();
    await owner.page.getByLabel("Name").fill("Sandbox IdP");
    await owner.page.getByRole("button", { name: "Create token" }).click();
    const token = (await owner.page.getByTestId("scim-token").textContent())?.trim() ?? "";
    expect(token).toMatch(/^ckscim_/);
    const endpoint = (await owner.page.getByTestId("scim-endpoint").textContent())?.trim() ?? "";
    expect(endpoint).toMatch(/\/api\/scim\/v2$/);

    // The directory links the existing member, provisions a newcomer, and pushes a group.
    const newcomer = `newcomer-${Date.now().toString(36)}@sandbox-idp.test`;
    const directory = scimClient(endpoint, token);
    await pushDirectory(directory, {
      users: [
        { userName: invitee.email, givenName: "Alex", familyName: "Invitee" },
        { userName: newcomer, givenName: "Nia", familyName: "Newcomer" },
      ],
      groups: [{ displayName: "Finance team", members: [invitee.email, newcomer] }],
    });

    // The member is still in: nothing has changed for them yet.
    await new DashboardPage(member.page).goto();
    await expect(member.page).toHaveURL(/\/dashboard$/);

    // HR marks the member as a leaver; the directory PATCHes active: false.
    await setActive(directory, invitee.email, false);

    // The member's very next request is refused: back to sign-in, and the API says 401.
    await member.page.goto("/dashboard");
    await new SignInPage(member.page).expectHere();
    expect((await member.page.request.get("/api/me")).status()).toBe(401);

    // The audit log names the directory's token as the actor and says why.
    await owner.page.goto("/admin/audit?action=scim.user_deactivated");
    const row = owner.page.getByTestId("audit-row").first();
    await expect(row).toContainText("Directory deactivated a member: suspended (SCIM)");
    await expect(row).toContainText("Directory (SCIM)");
    await expect(row).toContainText("token “Sandbox IdP”");
    await expect(row).toContainText("Why: The directory set active to false (PATCH)");

    // The token shows when it was last used; the directory's group is not editable in the group pages.
    await owner.page.goto("/admin/scim");
    await expect(owner.page.getByTestId("scim-token-row").filter({ hasText: "Sandbox IdP" })).toContainText("last used");
    await expect(owner.page.getByTestId("directory-group-row").filter({ hasText: "Finance team" })).toContainText("2 members");
    await owner.page.goto("/admin/groups");
    await owner.page.getByRole("link", { name: "Finance team" }).click();
    await expect(owner.page.getByTestId("directory-managed-note")).toContainText("This group comes from your organization's directory (SCIM)");
    await expect(owner.page.getByRole("button", { name: /save|delete/i })).toHaveCount(0);
  });

  test("V8.2.1 the owner maps a directory group to a role; the directory cannot map the Owner role", async ({ signedInWithTotp, freshUser }) => {
    const owner = await signedInWithTotp(freshUser);
    await owner.page.goto("/admin/scim");
    await owner.page.getByLabel("Name").fill("Okta");
    await owner.page.getByRole("button", { name: "Create token" }).click();
    const token = (await owner.page.getByTestId("scim-token").textContent())?.trim() ?? "";
    const endpoint = (await owner.page.getByTestId("scim-endpoint").textContent())?.trim() ?? "";
    const user = `mapped-${Date.now().toString(36)}@sandbox-idp.test`;
    await pushDirectory(scimClient(endpoint, token), { users: [{ userName: user, givenName: "Map", familyName: "Ped" }], groups: [{ displayName: "Accounts", members: [user] }] });

    await owner.page.goto("/admin/scim");
    const row = owner.page.getByTestId("directory-group-row").filter({ hasText: "Accounts" });
    const select = row.getByLabel("Role for members of Accounts");
    await expect(select.locator("option", { hasText: "Owner" })).toHaveCount(0);
    await select.selectOption({ label: "Accountant" });
    await row.getByRole("button", { name: "Save mapping" }).click();
    await expect(row.getByRole("status")).toHaveText("Saved. The group's members get the role on their next request.");
    await expect(row).toContainText("now gives Accountant");
  });
});

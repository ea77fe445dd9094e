import { MembersAdminPage } from "./pages/admin-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";
import { rememberTotpSecret } from "./support/step-up";
import { enrolTotp, totpCode } from "./support/totp";

test.describe("step-up before sensitive changes", () => {
  test.describe.configure({ timeout: 150_000 });

  test("V7.5.3 an admin whose session has no recent second factor is asked to verify before changing a role; a wrong code is refused; after verifying the change goes through", async ({
    browser,
    freshUser,
    signedIn,
  }) => {
    // This browser signed in with the password before the account had a second factor, so its
    // last verification is older than any window: exactly what a stolen, long-lived session is.
    const older = await signedIn(freshUser);
    const invitee = await addMemberByInvitation(browser, older.page, freshUser);
    // Later, on another device, the owner sets up an authenticator app.
    const phone = await signedIn(freshUser);
    const secret = await enrolTotp(phone.page);

    const members = new MembersAdminPage(older.page);
    await members.goto();
    await expect(members.row(freshUser.email).getByTestId("member-mfa")).toHaveText("Authenticator app");
    const detail = await members.openMember(invitee.email, invitee.name);
    const memberPage = older.page.url();
    await detail.roleForm.getByLabel("Role in this organization").selectOption({ label: "Accountant" });
    await detail.roleForm.getByRole("button", { name: "Change role" }).click();
    await expect(detail.roleForm.getByRole("alert")).toContainText("Confirm it is you: verify with your second factor, then try again.");
    await older.page.reload();
    await expect(detail.role).toHaveText("Member");

    // The prompt leads to the step-up page; a wrong code is refused there.
    await detail.roleForm.getByLabel("Role in this organization").selectOption({ label: "Accountant" });
    await detail.roleForm.getByRole("button", { name: "Change role" }).click();
    await detail.roleForm.getByRole("link", { name: "Verify now" }).click();
    await expect(older.page).toHaveURL(/\/mfa\/step-up\?next=%2Fadmin%2Fmembers%2F/);
    await expect(older.page.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
    const form = older.page.getByRole("form", { name: "Verify with your authenticator app" });
    await form.getByLabel("Code from your app").fill(totpCode(secret, 10));
    await form.getByRole("button", { name: "Verify" }).click();
    await expect(form.getByRole("alert")).toHaveText("That code is not valid. Check your app and try again.");

    await older.page.getByRole("link", { name: "Go back" }).click();
    await expect(older.page).toHaveURL(memberPage);
    await expect(detail.role).toHaveText("Member");

    // Trying again: the page object answers the prompt as the admin would (Verify now, a fresh
    // code from the app, back to this page) and submits again; now the change goes through.
    rememberTotpSecret(older.context, secret);
    await detail.changeRole("Accountant");
    await expect(older.page).toHaveURL(memberPage);
    await expect(detail.roleForm.getByRole("link", { name: "Verify now" })).toHaveCount(0);
  });

  test("V7.5.3 V6.3.3 an admin without any second factor is sent to set one up first; then the change goes through", async ({ browser, freshUser, signedIn }) => {
    const owner = await signedIn(freshUser);
    const invitee = await addMemberByInvitation(browser, owner.page, freshUser, { roleName: "Viewer" });
    const members = new MembersAdminPage(owner.page);
    await members.goto();
    await expect(members.row(freshUser.email).getByTestId("member-mfa")).toHaveText("None");
    const detail = await members.openMember(invitee.email, invitee.name);
    await detail.roleForm.getByLabel("Role in this organization").selectOption({ label: "Member" });
    await detail.roleForm.getByRole("button", { name: "Change role" }).click();
    await expect(detail.roleForm.getByRole("alert")).toContainText("This action needs two-step verification.");
    await detail.roleForm.getByRole("link", { name: "Set up two-step verification" }).click();
    await expect(owner.page).toHaveURL(/\/settings\/security$/);

    // Turning the app on is itself a fresh second factor: no further prompt right after.
    const secret = await enrolTotp(owner.page);
    rememberTotpSecret(owner.context, secret);
    await members.goto();
    await expect(members.row(freshUser.email).getByTestId("member-mfa")).toHaveText("Authenticator app");
    await (await members.openMember(invitee.email, invitee.name)).changeRole("Member");
  });
});

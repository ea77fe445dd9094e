import { SignInPage } from "./pages/auth-pages";
import { addMemberByInvitation, expect, test } from "./fixtures";
import { submitWithStepUp } from "./support/step-up";

const INVALID_CREDENTIALS = "That e-mail and password do not match an account.";
const LOCKED = /^This account is temporarily locked after too many failed sign-ins\. Try again in 1 minute\.$/;

/** Five wrong passwords through the form: the account locks (lib/defense, DEFENSE_LOCK_AFTER_FAILURES=5). */
async function lockOut(signIn: SignInPage, email: string): Promise<void> {
  for (let i = 1; i <= 5; i++) {
    await signIn.goto();
    expect(await signIn.signInExpectingError(email, `wrong-password-guess-${i}`)).toBe(INVALID_CREDENTIALS);
  }
}

test.describe("sign-in defense", () => {
  test.describe.configure({ timeout: 90_000 });

  test("V6.3.1 five wrong passwords lock the account, and then even the right password gets the same locked answer", async ({ page, freshUser }) => {
    const signIn = new SignInPage(page);
    await lockOut(signIn, freshUser.email);
    await signIn.goto();
    const wrong = await signIn.signInExpectingError(freshUser.email, "wrong-password-guess-6");
    expect(wrong).toMatch(LOCKED);
    await signIn.goto();
    expect(await signIn.signInExpectingError(freshUser.email, freshUser.password)).toBe(wrong);
  });

  test("V6.3.1 V8.2.1 an owner unlocks a locked member from the defense page after stepping up", async ({ browser, page, freshUser, signedInWithTotp }) => {
    const owner = await signedInWithTotp(freshUser);
    const member = await addMemberByInvitation(browser, owner.page, freshUser, { tag: "locked" });
    await lockOut(new SignInPage(page), member.email);

    await owner.page.goto("/admin/defense");
    const row = owner.page.getByTestId("defended-account").filter({ hasText: member.email });
    await expect(row).toContainText("Locked until");
    const done = owner.page.getByText("The account is unlocked: the member can sign in again.");
    await submitWithStepUp(owner.page, () => owner.page.getByTestId("defended-account").filter({ hasText: member.email }).getByRole("button", { name: `Unlock ${member.name}` }).click(), done);

    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signInExpectingDashboard(member.email, member.password);
  });
});

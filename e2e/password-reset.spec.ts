import { DashboardPage } from "./pages/app-pages";
import { ForgotPasswordPage, ResetPasswordPage, SignInPage } from "./pages/auth-pages";
import { expect, GOOD_PASSWORD, OTHER_GOOD_PASSWORD, test } from "./fixtures";
import { linkIn, mailIds, SUBJECTS, waitForMail } from "./support/outbox";

const COMMON_PASSWORD = "This password is on a list of commonly used passwords. Choose another.";
const INVALID_RESET_LINK = "This reset link is invalid, was already used or has expired. Ask for a new one.";
const INVALID_CREDENTIALS = "That e-mail and password do not match an account.";

test.describe("password reset", () => {
  test(
    "V6.4.3 V6.2.4 V6.2.12 V7.4.3 V6.3.7 V6.5.1 reset by mailed link: a common password is refused at the field, " +
      "a good one signs out every device, and the link works only once",
    async ({ page, freshUser, signedIn }) => {
      const earlier = await signedIn(freshUser);
      const before = mailIds(freshUser.email);

      await new ForgotPasswordPage(page).request(freshUser.email);
      const link = linkIn(await waitForMail(freshUser.email, { subject: SUBJECTS.reset, notIn: before }), "/reset-password");

      const reset = new ResetPasswordPage(page);
      await reset.open(link);

      // A common password: refused, and the message sits next to the field it is about.
      await reset.submit("password1234");
      const fieldError = page.locator("#field-password-error");
      await expect(fieldError).toHaveText(COMMON_PASSWORD);
      await expect(reset.password).toHaveAttribute("aria-invalid", "true");
      // Screen readers announce hint and error together with the field.
      await expect(reset.password).toHaveAccessibleDescription(`12 to 128 characters. ${COMMON_PASSWORD}`);
      await expect(page).toHaveURL(/\/reset-password\?token=/);

      // The refusal did not spend the link: a good password now works.
      await reset.submit(OTHER_GOOD_PASSWORD);
      await expect(page).toHaveURL(/\/sign-in\?reset=1$/);
      await expect(page.getByRole("main").getByRole("status")).toHaveText(
        "Your password was changed and every device was signed out. Sign in with the new password.",
      );
      await waitForMail(freshUser.email, { subject: SUBJECTS.passwordChanged, notIn: before });

      // The browser that was signed in before the reset is thrown out.
      await new DashboardPage(earlier.page).goto();
      await new SignInPage(earlier.page).expectHere();

      // Old password no longer works; the new one does.
      const signIn = new SignInPage(page);
      await signIn.goto();
      expect(await signIn.signInExpectingError(freshUser.email, GOOD_PASSWORD)).toBe(INVALID_CREDENTIALS);
      await signIn.goto();
      await signIn.signInExpectingDashboard(freshUser.email, OTHER_GOOD_PASSWORD);
      await new DashboardPage(page).expectOrganization(freshUser.organizationName);

      // The same link a second time: refused, and the password stays as it is.
      await reset.open(link);
      await reset.submit("another-quiet-passphrase-58");
      await expect(reset.formAlert).toHaveText(INVALID_RESET_LINK);
      await expect(page).toHaveURL(/\/reset-password\?token=/);
      const stillNew = await page.request.post("/api/auth/sign-in", { data: { email: freshUser.email, password: OTHER_GOOD_PASSWORD } });
      expect(stillNew.status()).toBe(200);
    },
  );
});

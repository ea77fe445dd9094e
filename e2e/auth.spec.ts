import { AppShell, DashboardPage } from "./pages/app-pages";
import { ForgotPasswordPage, SignInPage } from "./pages/auth-pages";
import { confirmEmail, expect, GOOD_PASSWORD, newIdentity, signUp, test } from "./fixtures";
import { mailIds, SUBJECTS, waitForMail } from "./support/outbox";

const INVALID_CREDENTIALS = "That e-mail and password do not match an account.";
const UNVERIFIED = "Confirm your e-mail address first: we have sent you a new link.";
const COOKIE = "ck_session";

test.describe("sign-up, e-mail verification, sign-in and sign-out", () => {
  test("V2.3.1 V7.4.1 V7.4.4 sign up, confirm the e-mail from the outbox, sign in, see the organization, sign out", async ({ page }) => {
    const who = newIdentity("signup");
    const before = mailIds(who.email);

    await signUp(page, who);
    await confirmEmail(page, who.email, before);

    const signIn = new SignInPage(page);
    await signIn.signInExpectingDashboard(who.email, who.password);
    const dashboard = new DashboardPage(page);
    await dashboard.expectOrganization(who.organizationName);
    await expect(page.getByText(`Signed in as ${who.email} (owner).`)).toBeVisible();

    const session = (await page.context().cookies()).find((c) => c.name === COOKIE);
    expect(session, "session cookie after sign-in").toBeDefined();

    // Sign-out is reachable from the page header and ends the session.
    await new AppShell(page).signOut();
    expect((await page.context().cookies()).find((c) => c.name === COOKIE)).toBeUndefined();
    await dashboard.goto();
    await signIn.expectHere();

    // The token is dead on the server too, not just deleted from this browser (V7.4.1).
    await page.context().addCookies([session!]);
    await dashboard.goto();
    await signIn.expectHere();
    const me = await page.request.get("/api/me");
    expect(me.status()).toBe(401);
  });
});

test.describe("failed sign-in and what it reveals", () => {
  test("V6.3.8 a wrong password and an unknown e-mail get exactly the same answer", async ({ page, account }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    const wrongPassword = await signIn.signInExpectingError(account.email, "definitely-not-the-password-1");
    await signIn.goto();
    const unknownEmail = await signIn.signInExpectingError(`nobody-${Date.now()}@example.test`, GOOD_PASSWORD);

    expect(wrongPassword).toBe(INVALID_CREDENTIALS);
    expect(unknownEmail).toBe(wrongPassword);
    expect((await page.context().cookies()).find((c) => c.name === COOKIE)).toBeUndefined();

    // The JSON sign-in answers the same way: same status, same body.
    const a = await page.request.post("/api/auth/sign-in", { data: { email: account.email, password: "definitely-not-the-password-1" } });
    const b = await page.request.post("/api/auth/sign-in", { data: { email: `nobody-${Date.now()}@example.test`, password: GOOD_PASSWORD } });
    expect(a.status()).toBe(401);
    expect(b.status()).toBe(a.status());
    expect(await b.json()).toEqual(await a.json());
    expect(a.headers()["set-cookie"]).toBeUndefined();
    expect(b.headers()["set-cookie"]).toBeUndefined();
  });

  test("V6.3.8 sign-up and forgot-password answer the same for an address that already has an account", async ({ page, account }) => {
    // Sign-up with a taken address: the same "check your inbox" page; only the owner learns of it, by mail.
    const before = mailIds(account.email);
    await signUp(page, { ...newIdentity("taken"), email: account.email });
    await waitForMail(account.email, { subject: SUBJECTS.accountExists, notIn: before });

    // Forgot-password: the same words for a known and an unknown address (the page object checks the exact text).
    const forgot = new ForgotPasswordPage(page);
    await forgot.request(account.email);
    const unknown = `nobody-${Date.now()}@example.test`;
    await forgot.request(unknown);
    await waitForMail(account.email, { subject: SUBJECTS.reset, notIn: before });
    expect(mailIds(unknown).size).toBe(0);
  });

  test("V2.3.1 V6.3.4 an account whose e-mail is not confirmed cannot reach the dashboard", async ({ page }) => {
    const who = newIdentity("unverified");
    await signUp(page, who);
    const afterSignUp = mailIds(who.email);

    const signIn = new SignInPage(page);
    await signIn.goto();
    expect(await signIn.signInExpectingError(who.email, who.password)).toBe(UNVERIFIED);
    expect((await page.context().cookies()).find((c) => c.name === COOKIE)).toBeUndefined();

    await page.goto("/dashboard");
    await signIn.expectHere();

    // A fresh link was mailed, since the password was proven.
    await waitForMail(who.email, { subject: SUBJECTS.verify, notIn: afterSignUp });

    // The JSON pathway refuses the same way and sets no cookie.
    const api = await page.request.post("/api/auth/sign-in", { data: { email: who.email, password: who.password } });
    expect(api.status()).toBe(403);
    expect((await api.json()).error.code).toBe("email_unverified");
    expect(api.headers()["set-cookie"]).toBeUndefined();
    expect((await page.request.get("/api/me")).status()).toBe(401);
  });
});

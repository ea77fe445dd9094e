import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { confirmEmail, GOOD_PASSWORD, signUp, signInWithTotp, type Identity } from "./fixtures";
import { mailIds } from "./support/outbox";
import { publishTxt, SANDBOX_IDP_CLIENT, SANDBOX_IDP_PASSWORD, SANDBOX_IDP_URL, SSO_DOMAIN } from "./support/sandbox-idp";
import type { Page } from "@playwright/test";

/** The sandbox IdP's own sign-in page. */
async function signInAtIdp(page: Page, email: string) {
  await expect(page.getByRole("heading", { name: "Sign in to Acme Identity" })).toBeVisible();
  await page.getByLabel("Work e-mail").fill(email);
  await page.getByLabel("Password").fill(SANDBOX_IDP_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe("single sign-on with the sandbox identity provider", () => {
  test.describe.configure({ mode: "serial", timeout: 180_000 });

  test("V6.8.1 V6.8.4 V6.3.3 owner sets up SSO and a verified domain; a member signs in by SSO (JIT); SSO required refuses their password; the break-glass owner gets in", async ({ browser, signedInWithTotp }) => {
    // An owner whose address is on the organization's own domain (so SSO required applies to it too).
    const owner: Identity = { name: "Olive Owner", organizationName: `SSO Org ${Date.now().toString(36)}`, email: `owner@${SSO_DOMAIN}`, password: GOOD_PASSWORD };
    const ctx0 = await browser.newContext();
    const p0 = await ctx0.newPage();
    const before = mailIds(owner.email);
    await signUp(p0, owner);
    await confirmEmail(p0, owner.email, before);
    await ctx0.close();
    const { page, secret } = await signedInWithTotp(owner);

    // 1. The domain, verified through the local DNS server.
    await page.goto("/admin/domains");
    await page.getByLabel("E-mail domain").fill(SSO_DOMAIN);
    await page.getByRole("button", { name: "Add domain" }).click();
    const item = page.getByTestId(`domain-${SSO_DOMAIN}`);
    await expect(item.getByTestId("domain-status")).toHaveText("not verified");
    await publishTxt((await item.getByTestId("txt-name").textContent())!, (await item.getByTestId("txt-value").textContent())!);
    await item.getByRole("button", { name: "Verify" }).click();
    await expect(item.getByTestId("domain-status")).toHaveText("verified");

    // 2. The connection, tested with a real round trip, then turned on.
    await page.goto("/admin/sso");
    await page.getByLabel("Issuer URL").fill(SANDBOX_IDP_URL);
    await page.getByLabel("Client id").fill(SANDBOX_IDP_CLIENT.clientId);
    await page.getByLabel("Client secret").fill(SANDBOX_IDP_CLIENT.clientSecret);
    await page.getByRole("button", { name: "Save connection" }).click();
    await expect(page.getByText("Connection saved.")).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await signInAtIdp(page, `alice@${SSO_DOMAIN}`);
    await expect(page).toHaveURL(/\/admin\/sso\?test=ok$/);
    await expect(page.getByTestId("sso-test-result")).toContainText("succeeded");
    await page.getByRole("button", { name: "Turn single sign-on on" }).click();
    await expect(page.getByTestId("sso-status")).toHaveText("on");

    // 3. A member signs in with SSO for the first time: created just in time as Member.
    const memberEmail = `bob@${SSO_DOMAIN}`;
    const memberContext = await browser.newContext();
    const member = await memberContext.newPage();
    await new SignInPage(member).goto();
    await member.getByRole("link", { name: "Sign in with SSO" }).click();
    await member.getByLabel("Work e-mail").fill(memberEmail);
    await member.getByRole("button", { name: "Continue with SSO" }).click();
    await signInAtIdp(member, memberEmail);
    await expect(member).toHaveURL(/\/dashboard$/);
    const cookies = await memberContext.cookies();
    expect(cookies.map((c) => c.name).filter((n) => /authjs|next-auth|ck_sso/.test(n))).toEqual([]);
    expect(cookies.find((c) => c.name === "ck_session")?.expires).toBe(-1);
    await page.goto("/admin/members");
    await expect(page.getByRole("row", { name: new RegExp(memberEmail) })).toContainText("Member");
    await memberContext.close();

    // 4. SSO required: the member's password is refused with the sentence and the SSO button.
    await page.goto("/admin/sso");
    await page.getByLabel(/SSO required/).check();
    await expect(page.getByLabel(/break-glass/)).toBeChecked();
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText(/Policy saved/)).toBeVisible();

    const refusedContext = await browser.newContext();
    const refused = await refusedContext.newPage();
    const signIn = new SignInPage(refused);
    await signIn.goto();
    await signIn.signIn(memberEmail, "any password at all 123");
    await expect(signIn.formAlert).toContainText("Your organization signs in with its identity provider");
    await signIn.formAlert.getByRole("link", { name: "Sign in with SSO" }).click();
    await expect(refused).toHaveURL(/\/sign-in\/sso\?email=/);
    await expect(refused.getByLabel("Work e-mail")).toHaveValue(memberEmail);
    await refusedContext.close();

    // 5. The break-glass owner still gets in with password + second factor.
    const ownerContext = await browser.newContext();
    await signInWithTotp(await ownerContext.newPage(), owner, secret);
    await ownerContext.close();
  });
});

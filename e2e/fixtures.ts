import { randomBytes } from "node:crypto";
import path from "node:path";
import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { SignInPage, SignUpPage, VerifyEmailPage } from "./pages/auth-pages";
import { linkIn, mailIds, SUBJECTS, waitForMail } from "./support/outbox";
import { rememberTotpSecret } from "./support/step-up";
import { enrolTotp, nextFreshCode } from "./support/totp";

/** A good password: 24 characters, not on the common list, unrelated to the name or e-mail. */
export const GOOD_PASSWORD = "violet-harbor-lantern-93";
export const OTHER_GOOD_PASSWORD = "copper-meadow-falcon-47";

export type Identity = { name: string; organizationName: string; email: string; password: string };

/** A new, unique person per call: the database is shared by every test of the run (and by CI's Postgres across runs). */
export function newIdentity(tag: string): Identity {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  return {
    name: "Robin Tester",
    organizationName: `Org ${tag} ${id}`,
    email: `e2e-${tag}-${id}@example.test`,
    password: GOOD_PASSWORD,
  };
}

/** Signs up through the real form; returns once the app says to check the inbox. */
export async function signUp(page: Page, who: Identity): Promise<void> {
  const signUpPage = new SignUpPage(page);
  await signUpPage.goto();
  await signUpPage.submit(who);
  await expect(page).toHaveURL(/\/sign-up\/done$/);
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
}

/** Follows the newest verification link mailed to `email` and presses the confirm button. */
export async function confirmEmail(page: Page, email: string, notIn?: ReadonlySet<string>): Promise<void> {
  const mail = await waitForMail(email, { subject: SUBJECTS.verify, notIn });
  await new VerifyEmailPage(page).confirm(linkIn(mail, "/verify-email"));
}

/** A verified account, made through the UI in a throw-away context. */
export async function createVerifiedUser(browser: Browser, tag: string): Promise<Identity> {
  const who = newIdentity(tag);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const before = mailIds(who.email);
    await signUp(page, who);
    await confirmEmail(page, who.email, before);
  } finally {
    await context.close();
  }
  return who;
}

/** Signs in through the sign-in form and waits for the dashboard. */
export async function signInThroughForm(page: Page, who: Pick<Identity, "email" | "password">): Promise<void> {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signInExpectingDashboard(who.email, who.password);
}

/** Password, then a fresh code from the authenticator app on /mfa/verify, then the dashboard. */
export async function signInWithTotp(page: Page, who: Pick<Identity, "email" | "password">, secret: string): Promise<void> {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(who.email, who.password);
  await expect(page).toHaveURL(/\/mfa\/verify(\?|$)/);
  const form = page.getByRole("form", { name: "Verify with your authenticator app" });
  await form.getByLabel("Code from your app").fill(await nextFreshCode(secret));
  await form.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  rememberTotpSecret(page.context(), secret);
}

type WorkerFixtures = {
  /** One verified account per worker, signed in through the real form once; its storage state is reused. */
  account: Identity & { storageState: string };
};

type TestFixtures = {
  /** A page in a fresh context carrying the worker account's session (no sign-in per test). */
  authedPage: Page;
  /** Opens another browser context signed in through the form; every one is closed after the test. */
  signedIn: (who: Identity) => Promise<{ context: BrowserContext; page: Page }>;
  /** A verified account of this test alone (for tests that sign out, revoke sessions or reset passwords). */
  freshUser: Identity;
  /**
   * Like signedIn, for someone who makes sensitive changes (an organization's owner or admin):
   * without `secret` they sign in and set up an authenticator app from the security settings (which
   * counts as a fresh second factor); with it they sign in with password and code. The context
   * remembers the secret, so page objects can step up when the app asks (e2e/support/step-up.ts).
   */
  signedInWithTotp: (who: Identity, secret?: string) => Promise<{ context: BrowserContext; page: Page; secret: string }>;
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  account: [
    async ({ browser }, provide, workerInfo) => {
      const who = await createVerifiedUser(browser, `w${workerInfo.workerIndex}`);
      const context = await browser.newContext();
      await signInThroughForm(await context.newPage(), who);
      const storageState = path.join(workerInfo.project.outputDir, `.auth-worker-${workerInfo.workerIndex}.json`);
      await context.storageState({ path: storageState });
      await context.close();
      await provide({ ...who, storageState });
    },
    { scope: "worker" },
  ],

  authedPage: async ({ browser, account }, provide) => {
    const context = await browser.newContext({ storageState: account.storageState });
    const page = await context.newPage();
    await provide(page);
    await context.close();
  },

  signedIn: async ({ browser }, provide) => {
    const opened: BrowserContext[] = [];
    await provide(async (who) => {
      const context = await browser.newContext();
      opened.push(context);
      const page = await context.newPage();
      await signInThroughForm(page, who);
      return { context, page };
    });
    for (const context of opened) await context.close();
  },

  signedInWithTotp: async ({ browser }, provide) => {
    const opened: BrowserContext[] = [];
    await provide(async (who, known) => {
      const context = await browser.newContext();
      opened.push(context);
      const page = await context.newPage();
      let secret = known;
      if (secret) {
        await signInWithTotp(page, who, secret);
      } else {
        await signInThroughForm(page, who);
        secret = await enrolTotp(page);
        rememberTotpSecret(context, secret);
      }
      return { context, page, secret };
    });
    for (const context of opened) await context.close();
  },

  freshUser: async ({ browser }, provide, testInfo) => {
    const tag = testInfo.titlePath.at(-1)?.match(/^V[\d.]+/)?.[0]?.replace(/\./g, "-") ?? "t";
    await provide(await createVerifiedUser(browser, tag));
  },
});

export { expect };

// Appended with the admin dashboard (imports are hoisted; kept here so this block stays self-contained).
import { InvitationsAdminPage, InviteAcceptPage } from "./pages/admin-pages";

/**
 * Makes a new person a member of the signed-in owner's organization the way a person would: the
 * owner invites them from /admin/invitations, they open the mailed link and create their account.
 * Returns their identity (organizationName is the owner's organization); they are not signed in.
 */
export async function addMemberByInvitation(
  browser: Browser,
  ownerPage: Page,
  owner: Pick<Identity, "organizationName">,
  opts: { roleName?: string; name?: string; tag?: string } = {},
): Promise<Identity> {
  const who: Identity = { ...newIdentity(opts.tag ?? "invitee"), name: opts.name ?? "Alex Invitee", organizationName: owner.organizationName };
  const before = mailIds(who.email);
  const invitations = new InvitationsAdminPage(ownerPage);
  await invitations.goto();
  await invitations.invite(who.email, opts.roleName ?? "Member");
  const mail = await waitForMail(who.email, { subject: /invited you to/, notIn: before });
  const context = await browser.newContext();
  try {
    const accept = new InviteAcceptPage(await context.newPage());
    await accept.open(linkIn(mail, "/invite"), owner.organizationName);
    await accept.createAccount(who.name, who.password);
  } finally {
    await context.close();
  }
  return who;
}

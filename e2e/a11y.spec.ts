import type { Page } from "@playwright/test";
import { InvitationsAdminPage } from "./pages/admin-pages";
import { SignInPage } from "./pages/auth-pages";
import { expect, newIdentity, test } from "./fixtures";
import { describeViolations, expectAccessible, runAxe } from "./support/axe";
import { DEMO_VIEWER, openAsDemoOwner, setPasswordThroughForgot } from "./support/demo-people";
import { linkIn, mailIds, waitForMail } from "./support/outbox";
import { submitWithStepUp } from "./support/step-up";

/**
 * axe-core on every page a person can reach (e2e/support/axe.ts): signed out, as Acme Corp's owner
 * with the demo data (its session saved by e2e/demo.setup.ts), and as its viewer. 0 serious or
 * critical violations; each failure names the rule, the element and where to read how to fix it.
 * The tests are independent, so they spread over both workers.
 */
// Each test walks many pages, axe taking a second or more per page on a busy machine.
test.describe.configure({ mode: "parallel", timeout: 120_000 });

/** Opens each path and checks it; the page must have answered (a 404/403 page is checked too, on purpose). */
async function checkPages(page: Page, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const response = await page.goto(path);
    expect(response, `no response for ${path}`).not.toBeNull();
    await expectAccessible(page, { name: path });
  }
}

/** The href of the first link in <main> pointing below `prefix` (a detail page of the demo data). */
async function firstDetailHref(page: Page, listPath: string, prefix: string): Promise<string> {
  await page.goto(listPath);
  const link = page.locator(`main a[href^="${prefix}"]`).first();
  await expect(link, `a link to ${prefix}… on ${listPath}`).toBeVisible();
  return (await link.getAttribute("href"))!;
}

const PUBLIC_PAGES = [
  "/",
  "/sign-in",
  "/sign-in?expired=1",
  "/sign-in/sso",
  "/sign-up",
  "/sign-up/done",
  "/forgot-password",
  "/reset-password",
  "/reset-password?token=a11y-check-token",
  "/verify-email?token=a11y-check-token",
  "/unlock",
  "/unlock?token=a11y-check-token",
  "/invite?token=a11y-check-token",
  "/contact",
  "/network-refused",
  "/mfa/verify",
  "/a11y-check/no-such-page",
] as const;

/** Every page under app/(app) that needs no id; detail pages are found from their lists. */
const REPORT_PAGES = ["/dashboard", "/dashboard?period=24", "/transactions", "/transfers", "/connections"] as const;
const SETTINGS_PAGES = [
  "/settings/security",
  "/settings/sessions",
  "/settings/ssh-keys",
  "/settings/organizations",
  "/settings/activity",
  "/settings/mfa-policy",
  "/contact",
  "/mfa/step-up",
] as const;
const PEOPLE_ADMIN_PAGES = ["/admin/members", "/admin/invitations", "/admin/roles", "/admin/groups", "/admin/audit", "/admin/alerts", "/admin/alert-settings", "/admin/webhooks"] as const;
const SECURITY_ADMIN_PAGES = ["/admin/firewall", "/admin/defense", "/admin/domains", "/admin/sso", "/admin/scim", "/admin/backups", "/admin/contact-messages"] as const;
/** A viewer's pages (the others answer the 403 page). */
const VIEWER_PAGES = ["/dashboard", "/connections", "/settings/security", "/settings/sessions", "/settings/organizations", "/settings/activity", "/contact", "/mfa/step-up"] as const;
/** Ids nobody has: each detail page's not-found answer. */
const NO_SUCH_ID = "00000000-0000-4000-8000-000000000000";
const MISSING_DETAIL_PAGES = [`/admin/members/${NO_SUCH_ID}`, `/admin/roles/${NO_SUCH_ID}`, `/connections/${NO_SUCH_ID}`] as const;

test.describe("accessibility (axe, WCAG 2.1 A/AA): no serious or critical violations", () => {
  test("the check itself fails on a page with serious violations and names the rule and the element", async ({ page }) => {
    // Guards against a check that silently passes (axe not injected, tags matching no rule).
    await page.setContent('<html lang="en"><head><title>t</title></head><body><main><h1>Form</h1><input id="nameless"><button></button></main></body></html>');
    const serious = (await runAxe(page)).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => v.id).sort()).toEqual(["button-name", "label"]);
    expect(describeViolations(serious)).toMatch(/\[critical\] label: .+\n.+dequeuniversity.+\n\s+- #nameless/);
  });

  test("every public page, signed out, including forms showing their errors", async ({ page }) => {
    await checkPages(page, PUBLIC_PAGES);
    // Forms as they look after a failed submission: messages tied to their fields.
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.submitButton.click();
    await expect(page.locator("form [role=alert]").first()).toBeVisible();
    await expectAccessible(page, { name: "/sign-in with field errors" });
    await page.goto("/sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("form [role=alert]").first()).toBeVisible();
    await expectAccessible(page, { name: "/sign-up with field errors" });
  });

  test("the demo owner's reports, data and settings pages", async ({ browser }) => {
    const { context, page } = await openAsDemoOwner(browser);
    await checkPages(page, [...REPORT_PAGES, ...SETTINGS_PAGES]);
    await context.close();
  });

  test("the demo owner's administration pages: people, roles, audit and alerts", async ({ browser }) => {
    const { context, page } = await openAsDemoOwner(browser);
    await checkPages(page, PEOPLE_ADMIN_PAGES);
    await context.close();
  });

  test("the demo owner's administration pages: network, sign-in, provisioning, backups and the operator's", async ({ browser }) => {
    const { context, page } = await openAsDemoOwner(browser);
    await checkPages(page, SECURITY_ADMIN_PAGES);
    await context.close();
  });

  test("the demo owner's detail pages: a member, a role, a group, a connection, an audit event", async ({ browser }) => {
    const { context, page } = await openAsDemoOwner(browser);
    const details = [
      await firstDetailHref(page, "/admin/members", "/admin/members/"),
      await firstDetailHref(page, "/admin/roles", "/admin/roles/"),
      await firstDetailHref(page, "/admin/groups", "/admin/groups/"),
      await firstDetailHref(page, "/connections", "/connections/"),
      await firstDetailHref(page, "/admin/audit", "/admin/audit/"),
    ];
    await checkPages(page, [...details, ...MISSING_DETAIL_PAGES]);
    await context.close();
  });

  test("the demo owner's pages with wide tables at a phone's width (375 px): a table that scrolls sideways can be scrolled with the keyboard", async ({ browser }) => {
    const { context, page } = await openAsDemoOwner(browser);
    await page.setViewportSize({ width: 375, height: 800 });
    const connection = await firstDetailHref(page, "/connections", "/connections/");
    await checkPages(page, ["/dashboard", "/transactions", connection, "/settings/activity", "/settings/mfa-policy", "/admin/members", "/admin/audit", "/admin/alerts"]);
    await context.close();
  });

  test("the demo viewer's pages (password set through forgot-password) and the page they get where they may not go", async ({ page }) => {
    await setPasswordThroughForgot(page, DEMO_VIEWER.email, DEMO_VIEWER.password);
    await expectAccessible(page, { name: "/sign-in?reset=1" });
    await new SignInPage(page).signInExpectingDashboard(DEMO_VIEWER.email, DEMO_VIEWER.password);
    // What a viewer may open, and one page they may not (the permission message; the same on every such page).
    await checkPages(page, [...VIEWER_PAGES, "/admin/members"]);
  });

  test("an owner with an authenticator app: MFA verification, a webhook's delivery history and a pending invitation", async ({ browser, freshUser, signedInWithTotp }) => {
    const { page } = await signedInWithTotp(freshUser);
    await checkPages(page, ["/settings/security", "/mfa/step-up"]);

    // A webhook to a literal public address (no DNS lookup on this offline machine); it is never called here.
    await page.goto("/admin/webhooks");
    const form = page.getByRole("form", { name: "Add a webhook" });
    await submitWithStepUp(
      page,
      async () => {
        await form.getByLabel("Receiver URL").fill("https://93.184.215.14/chargekeep-a11y");
        await form.getByRole("button", { name: "Add webhook" }).click();
      },
      page.getByTestId("webhook-secret"),
    );
    await expectAccessible(page, { name: "/admin/webhooks with a new webhook and its secret" });
    const hook = await firstDetailHref(page, "/admin/webhooks", "/admin/webhooks/");
    await checkPages(page, [hook]);

    const invitee = newIdentity("a11y-invitee").email;
    const before = mailIds(invitee);
    const invitations = new InvitationsAdminPage(page);
    await invitations.goto();
    await invitations.invite(invitee, "Member");
    await expectAccessible(page, { name: "/admin/invitations with a pending invitation" });
    const link = linkIn(await waitForMail(invitee, { subject: /invited you to/, notIn: before }), "/invite");

    // The invitee's view, and the second step of this owner's next sign-in.
    const other = await browser.newContext();
    const visitor = await other.newPage();
    await visitor.goto(link);
    await expect(visitor.getByRole("heading", { name: `Join ${freshUser.organizationName}` })).toBeVisible();
    await expectAccessible(visitor, { name: "/invite with a valid invitation" });
    const signIn = new SignInPage(visitor);
    await signIn.goto();
    await signIn.signIn(freshUser.email, freshUser.password);
    await expect(visitor).toHaveURL(/\/mfa\/verify(\?|$)/);
    await expectAccessible(visitor, { name: "/mfa/verify with an authenticator app" });
    await other.close();
  });
});

import type { Page, Request } from "@playwright/test";
import { AppShell, DashboardPage, SessionsPage } from "./pages/app-pages";
import { SignInPage } from "./pages/auth-pages";
import { expect, test } from "./fixtures";
import { nonceOf, parseCsp, watchCsp } from "./support/csp";

const HSTS = "max-age=63072000; includeSubDomains; preload";
const STRICT_REFERRER_POLICIES = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];

/** A server action call made by React in the browser (not a full-page form post). */
const isActionFetch = (r: Request) => r.method() === "POST" && r.resourceType() === "fetch" && Boolean(r.headers()["next-action"]);

/** Counts full document loads, so a client-side navigation can be told apart from a page load. */
function countDocumentLoads(page: Page) {
  const counter = { n: 0 };
  page.on("request", (r) => {
    if (r.resourceType() === "document" && r.frame() === page.mainFrame()) counter.n++;
  });
  return counter;
}

test.describe("security headers and CSP", () => {
  test("V3.4.1 V3.4.3 V3.4.4 V3.4.5 V3.4.6 V3.4.8 a page response carries the security headers and a per-response CSP nonce", async ({ page }) => {
    const response = await page.goto("/sign-in");
    expect(response?.status()).toBe(200);
    const h = response!.headers();

    const cspHeader = h["content-security-policy"];
    expect(cspHeader, "Content-Security-Policy header").toBeTruthy();
    const csp = parseCsp(cspHeader!);
    const scriptSrc = csp.get("script-src") ?? [];
    const nonce = nonceOf(cspHeader!);
    expect(nonce, "script-src has a nonce").toMatch(/^[A-Za-z0-9+/_-]{16,}={0,2}$/);
    expect(scriptSrc).toContain("'strict-dynamic'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);

    expect(h["strict-transport-security"]).toBe(HSTS);
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(STRICT_REFERRER_POLICIES).toContain(h["referrer-policy"]);
    const permissions = h["permissions-policy"] ?? "";
    for (const feature of ["camera=()", "microphone=()", "geolocation=()", "payment=()"]) expect(permissions).toContain(feature);
    expect(h["cross-origin-opener-policy"]).toBe("same-origin");

    // Every script tag in the document carries this response's nonce.
    const html = await response!.text();
    const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scriptTags.length).toBeGreaterThan(0);
    for (const tag of scriptTags) expect(tag, tag).toContain(`nonce="${nonce}"`);

    // A new response gets a new nonce.
    const again = await page.request.get("/sign-in");
    const secondNonce = nonceOf(again.headers()["content-security-policy"] ?? "");
    expect(secondNonce).toBeTruthy();
    expect(secondNonce).not.toBe(nonce);

    // JSON responses carry the transport and sniffing headers as well.
    const health = await page.request.get("/api/health");
    expect(health.headers()["x-content-type-options"]).toBe("nosniff");
    expect(health.headers()["strict-transport-security"]).toBe(HSTS);
    expect(parseCsp(health.headers()["content-security-policy"] ?? "").get("frame-ancestors")).toEqual(["'none'"]);
  });

  test("V3.4.3 public pages run under the CSP without a violation, and their forms submit client-side", async ({ page }) => {
    const csp = await watchCsp(page);
    const documents = countDocumentLoads(page);

    // Sign-in: a client-side server-action call comes back with the form's message, no page load.
    const signIn = new SignInPage(page);
    await signIn.goto();
    const loadsBefore = documents.n;
    const action = page.waitForRequest(isActionFetch);
    await signIn.signIn(`nobody-${Date.now()}@example.test`, "some-long-wrong-password");
    await action;
    await expect(signIn.formAlert).toHaveText("That e-mail and password do not match an account.");
    expect(documents.n).toBe(loadsBefore);
    expect(await csp.domViolations()).toEqual([]);

    // Sign-up: an empty submission gets field errors through the same client-side path.
    await page.goto("/sign-up");
    const signUpLoads = documents.n;
    const signUpAction = page.waitForRequest(isActionFetch);
    await page.getByRole("button", { name: "Create account" }).click();
    await signUpAction;
    await expect(page.locator("#field-name-error")).toHaveText("Enter your name.");
    await expect(page.getByLabel("Your name")).toHaveAttribute("aria-invalid", "true");
    expect(documents.n).toBe(signUpLoads);
    expect(await csp.domViolations()).toEqual([]);

    expect(csp.consoleViolations).toEqual([]);
    expect(csp.pageErrors).toEqual([]);
  });

  test("V3.4.3 V7.4.4 dashboard and sessions pages run under the CSP without a violation and stay interactive", async ({ freshUser, signedIn }) => {
    const { page } = await signedIn(freshUser);
    const csp = await watchCsp(page);
    const documents = countDocumentLoads(page);

    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await dashboard.expectOrganization(freshUser.organizationName);
    expect(await csp.domViolations()).toEqual([]);

    // Client-side navigation through the header links (needs hydrated React).
    const loadsBefore = documents.n;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sessions" }).click();
    const sessions = new SessionsPage(page);
    await expect(page).toHaveURL(/\/settings\/sessions$/);
    await expect(sessions.currentRow).toHaveCount(1);
    expect(documents.n).toBe(loadsBefore);

    await sessions.goto();
    await expect(sessions.currentRow).toHaveCount(1);
    expect(await csp.domViolations()).toEqual([]);

    // A client-side form submission on an app page: sign out runs as a server-action fetch.
    const action = page.waitForRequest(isActionFetch);
    await new AppShell(page).signOut();
    await action;

    expect(csp.consoleViolations).toEqual([]);
    expect(csp.pageErrors).toEqual([]);
  });

  test("V3.4.3 the violation watch itself works: a foreign image on a page is blocked and reported", async ({ page }) => {
    const csp = await watchCsp(page);
    await page.goto("/sign-in");
    await page.evaluate(() => {
      const img = document.createElement("img");
      img.src = "https://evil.example/pixel.png";
      document.body.appendChild(img);
    });
    await expect.poll(() => csp.domViolations()).toEqual([expect.stringContaining("img-src")]);
    await expect.poll(() => csp.consoleViolations.length).toBeGreaterThan(0);
  });
});

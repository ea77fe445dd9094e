import { expect, test } from "./fixtures";
import { ContactPage } from "./pages/app-pages";
import { BASE_URL } from "./support/paths";

const EVIL = "https://evil.example";
// Plain http for the attacking page: from an https page, Chromium would send "Origin: null" to http://localhost.
const EVIL_HTTP = "http://evil.example";
const contact = { name: "Casey Visitor", email: "casey@example.test", message: "Hello there, this is a test message." };

async function expectCsrfRefusal(response: { status(): number; json(): Promise<unknown> }) {
  expect(response.status()).toBe(403);
  expect(await response.json()).toMatchObject({ error: { code: "csrf_origin" } });
}

test.describe("cross-site request forgery", () => {
  test("V3.5.1 a POST from a foreign Origin to a page URL and to /api/contact is refused; the app's own origin is not", async ({ request }) => {
    const form = { email: "someone@example.test", password: "whatever-password-123" };

    await expectCsrfRefusal(await request.post("/sign-in", { form, headers: { Origin: EVIL } }));
    const ownPage = await request.post("/sign-in", { form, headers: { Origin: BASE_URL } });
    expect(ownPage.status()).not.toBe(403);

    await expectCsrfRefusal(await request.post("/api/contact", { data: contact, headers: { Origin: EVIL } }));
    const ownApi = await request.post("/api/contact", { data: contact, headers: { Origin: BASE_URL } });
    expect(ownApi.status()).toBe(201);
    expect(await ownApi.json()).toMatchObject({ ok: true });

    // "Origin: null" (sandboxed frames, some redirects) is foreign too.
    await expectCsrfRefusal(await request.post("/api/contact", { data: contact, headers: { Origin: "null" } }));

    // Without Origin, Sec-Fetch-Site still gives a cross-site request away.
    await expectCsrfRefusal(await request.post("/api/contact", { data: contact, headers: { "Sec-Fetch-Site": "cross-site" } }));
  });

  test("V3.5.1 a real server-action request replayed with a foreign Origin is refused, with its own origin it goes through", async ({ page }) => {
    // Capture the exact request the browser makes when the contact form is sent.
    const contactPage = new ContactPage(page);
    await contactPage.goto();
    const sent = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
    await contactPage.submit(contact);
    const original = await sent;
    await expect(page.getByRole("main").getByRole("status")).toHaveText("Thank you. Your message reached the ChargeKeep team.");

    const headers = await original.allHeaders();
    const replayHeaders: Record<string, string> = {
      "next-action": headers["next-action"]!,
      "content-type": headers["content-type"]!,
      accept: headers["accept"] ?? "text/x-component",
      ...(headers["next-router-state-tree"] ? { "next-router-state-tree": headers["next-router-state-tree"] } : {}),
    };
    const body = original.postDataBuffer()!;
    expect(headers.origin).toBe(BASE_URL);

    await expectCsrfRefusal(await page.request.post(original.url(), { headers: { ...replayHeaders, origin: EVIL }, data: body }));
    const own = await page.request.post(original.url(), { headers: { ...replayHeaders, origin: BASE_URL }, data: body });
    expect(own.status()).toBe(200);
    expect(await own.text()).toContain("Thank you. Your message reached the ChargeKeep team.");
  });

  test("V3.5.1 a form on another site that posts to the app is refused", async ({ page }) => {
    // A page "on evil.example", served by the test itself, that auto-submits a form to the app.
    await page.route(`${EVIL_HTTP}/**`, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><form id="f" method="post" action="${BASE_URL}/contact">
          <input name="name" value="x"><input name="email" value="x@example.test"><input name="message" value="forged message body">
        </form><script>document.getElementById("f").submit()</script>`,
      }),
    );
    const refused = page.waitForResponse((r) => r.url() === `${BASE_URL}/contact` && r.request().method() === "POST");
    await page.goto(`${EVIL_HTTP}/attack`);
    const response = await refused;
    expect(response.request().headers()["origin"]).toBe(EVIL_HTTP);
    await expectCsrfRefusal(response);
  });
});

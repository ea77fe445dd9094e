import { expect, test } from "@playwright/test";

test.describe("icons a browser and a phone's home screen ask for", () => {
  test("the sign-in page loads with no failed request or console error; favicon, icons and manifest answer signed out", async ({ page, request }) => {
    const failures: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") failures.push(`console: ${m.text()}`);
    });
    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // Chromium asks for the favicon after load; give it the chance to fail.
    await page.waitForLoadState("networkidle");

    const hrefs = async (rel: string) => page.locator(`head link[rel="${rel}"]`).evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
    const icons = await hrefs("icon");
    expect(icons.some((h) => new URL(h).pathname === "/favicon.ico")).toBe(true);
    expect(icons.some((h) => new URL(h).pathname === "/icon.svg")).toBe(true);
    const [apple] = await hrefs("apple-touch-icon");
    const [manifestUrl] = await hrefs("manifest");
    expect(apple).toBeTruthy();
    expect(manifestUrl).toBeTruthy();

    for (const [url, type] of [["/favicon.ico", /image\/(x-icon|vnd\.microsoft\.icon)/], [icons.find((h) => h.includes("/icon.svg"))!, /image\/svg\+xml/], [apple!, /image\/png/]] as const) {
      const res = await request.get(url, { maxRedirects: 0 });
      expect(res.status(), url).toBe(200);
      expect(res.headers()["content-type"], url).toMatch(type);
    }
    const manifest = await request.get(manifestUrl!, { maxRedirects: 0 });
    expect(manifest.status()).toBe(200);
    const body = (await manifest.json()) as { name: string; icons: { src: string; sizes: string }[] };
    expect(body.name).toBe("ChargeKeep");
    expect(body.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    for (const icon of body.icons) expect((await request.get(icon.src, { maxRedirects: 0 })).status(), icon.src).toBe(200);
    expect(failures).toEqual([]);
  });
});

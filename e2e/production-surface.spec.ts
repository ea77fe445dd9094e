import { expect, test } from "./fixtures";
import { BASE_URL } from "./support/paths";

test.describe("what the production build exposes", () => {
  test("V13.4.2 V13.4.5 V15.2.3 the dev outbox answers 404 in production", async ({ page, request }) => {
    const response = await page.goto("/dev/outbox");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Dev outbox" })).toHaveCount(0);
    expect((await request.get("/dev/outbox")).status()).toBe(404);
  });

  test("V13.4.5 V13.4.6 /api/health answers 200 JSON with the database state and nothing more", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^application\/json/);
    expect(response.headers()["cache-control"]).toBe("no-store");
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", database: "ok" });
    expect(Object.keys(body).sort()).toEqual(["database", "latencyMs", "status"]);
    expect(response.headers()["x-powered-by"]).toBeUndefined();
  });

  test("V4.1.1 /.well-known/security.txt has Contact and a future Expires, as text/plain UTF-8", async ({ request }) => {
    const response = await request.get("/.well-known/security.txt");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("text/plain; charset=utf-8");
    const text = await response.text();
    const fields = text.split("\n").filter(Boolean).map((line) => line.split(/:\s*/, 1)[0]);
    expect(fields).toContain("Contact");
    expect(fields).toContain("Expires");
    expect(text).toMatch(/^Contact: (mailto:|https?:\/\/)\S+$/m);
    const expires = /^Expires: (.+)$/m.exec(text)?.[1];
    expect(Number.isNaN(Date.parse(expires ?? ""))).toBe(false);
    const msAhead = Date.parse(expires!) - Date.now();
    expect(msAhead).toBeGreaterThan(0);
    expect(msAhead).toBeLessThanOrEqual(366 * 24 * 3_600_000); // RFC 9116: less than a year ahead is recommended
    expect(text).toContain(`Canonical: ${BASE_URL}/.well-known/security.txt`);
  });

  test("V13.4.5 V16.5.1 the image optimizer is off: /_next/image answers 404 and never fetches what url names", async ({ request }) => {
    for (const url of ["/etc/passwd", "/favicon.ico", "/api/me", "https://example.com/a.png", "//example.com/a.png", "%00"]) {
      for (const query of [`url=${encodeURIComponent(url)}`, `url=${encodeURIComponent(url)}&w=64&q=75`]) {
        const response = await request.get(`/_next/image?${query}`, { maxRedirects: 0 });
        expect(response.status(), query).toBe(404);
        expect(await response.text(), query).toContain("This page could not be found.");
      }
    }
  });
});

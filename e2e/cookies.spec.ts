import { BASE_URL } from "./support/paths";
import { SignInPage } from "./pages/auth-pages";
import { expect, signInThroughForm, test } from "./fixtures";

const COOKIE = "ck_session";

test.describe("session cookie", () => {
  test("V3.3.2 V3.3.4 V7.2.3 V7.2.4 the session cookie is HttpOnly, SameSite=Lax, a browser-session cookie on path /, and new on every sign-in", async ({
    page,
    account,
  }) => {
    await signInThroughForm(page, account);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === COOKIE);
    expect(session, `cookie ${COOKIE}`).toBeDefined();
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", expires: -1, path: "/", domain: "localhost" });
    // Served over plain http in this run, so no Secure flag and no __Host- prefix (both switch on with an https APP_URL).
    expect(session!.secure).toBe(false);
    // 256 random bits, base64url.
    expect(session!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the session cookie; and page scripts cannot read it.
    expect(cookies.map((c) => c.name)).toEqual([COOKIE]);
    expect(await page.evaluate(() => document.cookie)).not.toContain(COOKIE);

    // Signing in again issues a different token.
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signInExpectingDashboard(account.email, account.password);
    const second = (await page.context().cookies()).find((c) => c.name === COOKIE);
    expect(second?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second?.value).not.toBe(session!.value);
    // ...and the session the browser held before is dead, not merely replaced in the jar.
    const withOld = await fetch(`${BASE_URL}/api/me`, { headers: { cookie: `${COOKIE}=${session!.value}` } });
    expect(withOld.status).toBe(401);
    const withNew = await fetch(`${BASE_URL}/api/me`, { headers: { cookie: `${COOKIE}=${second!.value}` } });
    expect(withNew.status).toBe(200);

    // The JSON sign-in sets the same kind of cookie: HttpOnly, Lax, path /, no Expires/Max-Age.
    const api = await page.request.post("/api/auth/sign-in", { data: { email: account.email, password: account.password } });
    expect(api.status()).toBe(200);
    const setCookies = api.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
    // the session cookie, plus the clearing of any half-finished MFA sign-in; nothing else
    expect(setCookies).toHaveLength(2);
    expect(setCookies[1]).toBe("ck_mfa=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    const setCookie = setCookies[0] ?? "";
    expect(setCookie).toMatch(new RegExp(`^${COOKIE}=[A-Za-z0-9_-]{43};`));
    const attributes = setCookie.split(";").slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["path=/", "httponly", "samesite=lax"]));
    expect(attributes.some((a) => a.startsWith("expires=") || a.startsWith("max-age="))).toBe(false);
  });
});

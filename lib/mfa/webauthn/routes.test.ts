import { beforeEach, describe, expect, it } from "vitest";
import { POST as passkeyOptionsRoute } from "@/app/api/auth/passkey/options/route";
import { POST as passkeyVerifyRoute } from "@/app/api/auth/passkey/verify/route";
import { POST as stepUpOptionsRoute } from "@/app/api/mfa/step-up/webauthn/options/route";
import { POST as stepUpVerifyRoute } from "@/app/api/mfa/step-up/webauthn/verify/route";
import { POST as signInOptionsRoute } from "@/app/api/mfa/verify/webauthn/options/route";
import { POST as signInVerifyRoute } from "@/app/api/mfa/verify/webauthn/verify/route";
import { POST as registerOptionsRoute } from "@/app/api/mfa/webauthn/register/options/route";
import { POST as registerVerifyRoute } from "@/app/api/mfa/webauthn/register/verify/route";
import { getDb } from "@/db";
import { organizationMfaPolicies } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { resetRateLimitsForTests } from "@/lib/ratelimit";
import { stubEnv } from "@/tests/env";
import { TestAuthenticator } from "@/tests/support/webauthn-authenticator";
import { newSessionFor, registerWith, signedInUser } from "@/tests/support/webauthn";

beforeEach(() => resetRateLimitsForTests());

type Handler = (req: Request) => Promise<Response>;
const call = (handler: Handler, path: string, cookie: string, body: unknown = {}) =>
  handler(
    new Request(`http://localhost:3000${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: "http://localhost:3000" },
      body: JSON.stringify(body),
    }),
  );
const cookieValue = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(";")[0]!
    .slice(name.length + 1);

async function userWithKey(kind: "security_key" | "passkey" = "security_key") {
  const u = await signedInUser();
  const authenticator = new TestAuthenticator();
  await registerWith(u.ctx, authenticator, kind);
  return { ...u, authenticator };
}

describe("WebAuthn route handlers: each takes only its own session stage", () => {
  it("V6.3.3 the sign-in endpoints take only an MFA-pending session: a full session is refused", async () => {
    const { token } = await userWithKey();
    for (const cookie of [`ck_session=${token}`, `ck_mfa=${token}`]) {
      expect((await call(signInOptionsRoute, "/api/mfa/verify/webauthn/options", cookie)).status).toBe(401);
      expect((await call(signInVerifyRoute, "/api/mfa/verify/webauthn/verify", cookie)).status).toBe(401);
    }
  });

  it("V6.3.3 registration and step-up refuse an MFA-pending session (the password alone adds no key)", async () => {
    const { user, organizationId } = await userWithKey();
    const pending = await newSessionFor(user.id, organizationId, { stage: "mfa_pending" });
    for (const cookie of [`ck_session=${pending.token}`, `ck_mfa=${pending.token}`]) {
      expect((await call(registerOptionsRoute, "/api/mfa/webauthn/register/options", cookie, { kind: "security_key" })).status).toBe(401);
      expect((await call(registerVerifyRoute, "/api/mfa/webauthn/register/verify", cookie)).status).toBe(401);
      expect((await call(stepUpOptionsRoute, "/api/mfa/step-up/webauthn/options", cookie)).status).toBe(401);
      expect((await call(stepUpVerifyRoute, "/api/mfa/step-up/webauthn/verify", cookie)).status).toBe(401);
    }
  });

  it("V6.3.3 a member whose organization's MFA deadline passed can still add a key", async () => {
    const u = await signedInUser();
    await getDb().insert(organizationMfaPolicies).values({ organizationId: u.organizationId, policy: "all", graceDays: 0, since: new Date(Date.now() - 60_000) });
    expect((await validateSessionToken(getDb(), u.token))?.mfa.mustEnrol).toBe(true);
    const res = await call(registerOptionsRoute, "/api/mfa/webauthn/register/options", `ck_session=${u.token}`, { kind: "passkey" });
    expect(res.status).toBe(200);
  });
});

describe("WebAuthn ceremonies through the route handlers", () => {
  it("V6.3.3 V7.2.4 sign-in with a key: new session cookie, pending cookie cleared, pending token dead, redirect stays on this site", async () => {
    const { authenticator, user, organizationId } = await userWithKey();
    const pending = await newSessionFor(user.id, organizationId, { stage: "mfa_pending" });
    const cookie = `ck_mfa=${pending.token}`;
    const { options } = (await (await call(signInOptionsRoute, "/api/mfa/verify/webauthn/options", cookie)).json()) as { options: never };
    const res = await call(signInVerifyRoute, "/api/mfa/verify/webauthn/verify", cookie, { response: authenticator.authenticate(options), next: "//evil.example/x" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, redirect: "/dashboard" });
    const session = cookieValue(res, "ck_session")!;
    expect(res.headers.getSetCookie().some((c) => c.startsWith("ck_mfa=;") && c.includes("Max-Age=0"))).toBe(true);
    const ctx = await validateSessionToken(getDb(), session);
    expect(ctx?.user.id).toBe(user.id);
    expect(ctx?.mfa.verifiedAt).toBeInstanceOf(Date);
    expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).toBeNull();
  });

  it("V6.3.1 a failed key at sign-in is a readable 401 and leaves the session pending", async () => {
    const { authenticator, user, organizationId } = await userWithKey();
    const pending = await newSessionFor(user.id, organizationId, { stage: "mfa_pending" });
    const cookie = `ck_mfa=${pending.token}`;
    const { options } = (await (await call(signInOptionsRoute, "/api/mfa/verify/webauthn/options", cookie)).json()) as { options: never };
    const res = await call(signInVerifyRoute, "/api/mfa/verify/webauthn/verify", cookie, {
      response: authenticator.authenticate(options, { origin: "https://evil.example" }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/could not verify/);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).not.toBeNull();
  });

  it("V7.5.3 V7.2.4 step-up with a key: the session gets a new id and a fresh second-factor time", async () => {
    const { authenticator, user, organizationId } = await userWithKey();
    const full = await newSessionFor(user.id, organizationId);
    expect(full.ctx.mfa.verifiedAt).toBeNull();
    const cookie = `ck_session=${full.token}`;
    const { options } = (await (await call(stepUpOptionsRoute, "/api/mfa/step-up/webauthn/options", cookie)).json()) as { options: never };
    const res = await call(stepUpVerifyRoute, "/api/mfa/step-up/webauthn/verify", cookie, { response: authenticator.authenticate(options), next: "/settings/security" });
    expect(await res.json()).toEqual({ ok: true, redirect: "/settings/security" });
    const rotated = cookieValue(res, "ck_session")!;
    expect(rotated).not.toBe(full.token);
    expect(await validateSessionToken(getDb(), full.token)).toBeNull();
    expect((await validateSessionToken(getDb(), rotated))?.mfa.verifiedAt).toBeInstanceOf(Date);
  });

  it("V6.3.3 V7.2.4 registration through the routes: 201 with the key and, for a first factor, the recovery codes; the session is rotated", async () => {
    const u = await signedInUser();
    const cookie = `ck_session=${u.token}`;
    const optionsRes = await call(registerOptionsRoute, "/api/mfa/webauthn/register/options", cookie, { kind: "passkey", name: "Phone" });
    const { options } = (await optionsRes.json()) as { options: never };
    const res = await call(registerVerifyRoute, "/api/mfa/webauthn/register/verify", cookie, {
      kind: "passkey",
      name: "Phone",
      response: new TestAuthenticator().register(options),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { name: string; discoverable: boolean; recoveryCodes: string[] };
    expect(body).toMatchObject({ ok: true, name: "Phone", discoverable: true });
    expect(body.recoveryCodes).toHaveLength(10);
    // the new key just proved itself: the session counts as MFA-verified now, under a new id
    const rotated = cookieValue(res, "ck_session")!;
    expect(await validateSessionToken(getDb(), u.token)).toBeNull();
    expect((await validateSessionToken(getDb(), rotated))?.mfa.verifiedAt).toBeInstanceOf(Date);
  });

  it("V2.2.1 a name over 60 characters is refused before any ceremony", async () => {
    const u = await signedInUser();
    const res = await call(registerOptionsRoute, "/api/mfa/webauthn/register/options", `ck_session=${u.token}`, { kind: "security_key", name: "x".repeat(61) });
    expect(res.status).toBe(422);
  });

  it("V3.3.2 V3.3.4 passkey sign-in: an HttpOnly, SameSite=Strict, session-only challenge cookie; verify signs in and clears it", async () => {
    const { authenticator, user, token: oldToken } = await userWithKey("passkey");
    const optionsRes = await call(passkeyOptionsRoute, "/api/auth/passkey/options", "");
    const setCookie = optionsRes.headers.getSetCookie().find((c) => c.startsWith("ck_webauthn="))!;
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toMatch(/Expires|Max-Age/i);
    const challengeCookie = cookieValue(optionsRes, "ck_webauthn")!;
    const { options } = (await optionsRes.json()) as { options: never };

    const res = await call(passkeyVerifyRoute, "/api/auth/passkey/verify", `ck_webauthn=${challengeCookie}; ck_session=${oldToken}`, {
      response: authenticator.authenticate(options),
      next: "/settings/security",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, redirect: "/settings/security" });
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith("ck_webauthn=;") && c.includes("Max-Age=0"))).toBe(true);
    expect(cookies.some((c) => c.startsWith("ck_mfa=;") && c.includes("Max-Age=0"))).toBe(true);
    expect((await validateSessionToken(getDb(), cookieValue(res, "ck_session")!))?.user.id).toBe(user.id);
    expect(await validateSessionToken(getDb(), oldToken)).toBeNull();
  });

  it("V6.3.8 passkey sign-in with an unregistered passkey: the generic 401", async () => {
    const stranger = await userWithKey("passkey");
    const optionsRes = await call(passkeyOptionsRoute, "/api/auth/passkey/options", "");
    const { options } = (await optionsRes.json()) as { options: never };
    const response = stranger.authenticator.authenticate(options);
    const res = await call(passkeyVerifyRoute, "/api/auth/passkey/verify", `ck_webauthn=${cookieValue(optionsRes, "ck_webauthn")}`, {
      response: { ...response, id: "bm90LXJlZ2lzdGVyZWQ", rawId: "bm90LXJlZ2lzdGVyZWQ" },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("That passkey is not registered with ChargeKeep.");
  });

  it("V3.3.3 V3.3.1 under HTTPS the challenge cookie is __Host- and Secure", async () => {
    stubEnv({ APP_URL: "https://localhost:3443" });
    const res = await call(passkeyOptionsRoute, "/api/auth/passkey/options", "");
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-ck_webauthn="))!;
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  });
});

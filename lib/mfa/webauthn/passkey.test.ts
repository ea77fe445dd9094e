import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { accountDefense, memberships, webauthnChallenges, webauthnCredentials } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { randomToken } from "@/lib/crypto";
import { resetRateLimitsForTests } from "@/lib/ratelimit";
import { cookieBinding } from "./challenges";
import { PASSKEY_NOT_REGISTERED } from "./errors";
import { passkeySignInOptions, verifyPasskeySignIn } from "./passkey";
import { TestAuthenticator } from "@/tests/support/webauthn-authenticator";
import { meta, registerWith, signedInUser } from "@/tests/support/webauthn";
import { expectAudited } from "@/tests/audit";

beforeEach(() => resetRateLimitsForTests());

async function userWithPasskey() {
  const u = await signedInUser();
  const authenticator = new TestAuthenticator();
  await registerWith(u.ctx, authenticator, "passkey", "Laptop");
  return { ...u, authenticator };
}

/** What the browser does: fetch options (getting the cookie), answer with the authenticator, post back with the cookie. */
async function passkeyAnswer(authenticator: TestAuthenticator, over: Parameters<TestAuthenticator["authenticate"]>[1] = {}) {
  const { options, cookieToken } = await passkeySignInOptions(getDb(), meta);
  return { options, cookieToken, response: authenticator.authenticate(options, over) };
}

describe("passwordless sign-in with a passkey", () => {
  it("V6.3.3 options list no credentials, require user verification, and bind the challenge to a new cookie", async () => {
    const { options, cookieToken } = await passkeySignInOptions(getDb(), meta);
    expect(options.allowCredentials).toEqual([]);
    expect(options.userVerification).toBe("required");
    expect(options.rpId).toBe("localhost");
    expect(cookieToken.length).toBeGreaterThanOrEqual(43);
    const [row] = await getDb().select().from(webauthnChallenges).where(eq(webauthnChallenges.binding, cookieBinding(cookieToken)));
    expect(row).toMatchObject({ ceremony: "passkey", userId: null, challenge: options.challenge });
  });

  it("V6.3.3 V7.2.4 a passkey opens a full session with the second factor recorded; the browser's old session is revoked", async () => {
    const { authenticator, user, token: oldToken } = await userWithPasskey();
    const { cookieToken, response } = await passkeyAnswer(authenticator);
    const result = await verifyPasskeySignIn(getDb(), { response, cookieToken, meta, previousTokens: [oldToken] });
    expect(result.userId).toBe(user.id);
    const ctx = await validateSessionToken(getDb(), result.token);
    expect(ctx?.user.id).toBe(user.id);
    expect(ctx?.mfa.verifiedAt).toBeInstanceOf(Date);
    expect(await validateSessionToken(getDb(), oldToken)).toBeNull();
    await expectAudited(getDb(), { action: "auth.sign_in", actorUserId: user.id, result: "success", metadata: { method: "passkey" } });
  });

  it("V6.5.1 the same passkey answer cannot sign in twice", async () => {
    const { authenticator } = await userWithPasskey();
    const { cookieToken, response } = await passkeyAnswer(authenticator);
    await verifyPasskeySignIn(getDb(), { response, cookieToken, meta, previousTokens: [] });
    await expect(verifyPasskeySignIn(getDb(), { response, cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({
      code: "webauthn_challenge_expired",
    });
  });

  it("V6.7.2 an answer posted without the cookie its challenge was bound to (another browser) is refused", async () => {
    const { authenticator } = await userWithPasskey();
    const { response } = await passkeyAnswer(authenticator);
    await expect(verifyPasskeySignIn(getDb(), { response, cookieToken: randomToken(), meta, previousTokens: [] })).rejects.toMatchObject({
      code: "webauthn_challenge_expired",
    });
    await expect(verifyPasskeySignIn(getDb(), { response, cookieToken: undefined, meta, previousTokens: [] })).rejects.toMatchObject({
      code: "webauthn_challenge_expired",
    });
  });

  it("V6.3.3 a passkey that did not verify the person (no PIN or biometrics) is refused", async () => {
    const { authenticator } = await userWithPasskey();
    const { cookieToken, response } = await passkeyAnswer(authenticator, { userVerified: false });
    await expect(verifyPasskeySignIn(getDb(), { response, cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({ code: "passkey_failed" });
  });

  it("V6.3.8 an unknown credential gets the generic answer", async () => {
    const stranger = new TestAuthenticator();
    const { ctx } = await signedInUser();
    await registerWith(ctx, stranger, "passkey");
    const { cookieToken, response } = await passkeyAnswer(stranger);
    const forged = { ...response, id: "AAAA", rawId: "AAAA" };
    await expect(verifyPasskeySignIn(getDb(), { response: forged, cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({
      status: 401,
      message: PASSKEY_NOT_REGISTERED,
    });
  });

  it("V6.3.3 a security key (second factor only, not a passkey) cannot sign in without the password", async () => {
    const u = await signedInUser();
    const key = new TestAuthenticator();
    await registerWith(u.ctx, key, "security_key");
    const { options, cookieToken } = await passkeySignInOptions(getDb(), meta);
    const [stored] = await getDb().select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, u.user.id));
    const response = key.authenticate(options, { credentialId: stored!.credentialId });
    await expect(verifyPasskeySignIn(getDb(), { response, cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({ message: PASSKEY_NOT_REGISTERED });
  });

  it("V6.5.6 a passkey whose user handle names another account is refused", async () => {
    const { authenticator } = await userWithPasskey();
    const { cookieToken, response } = await passkeyAnswer(authenticator);
    const victim = await signedInUser();
    const lying = { ...response, response: { ...response.response, userHandle: Buffer.from(victim.user.id).toString("base64url") } };
    await expect(verifyPasskeySignIn(getDb(), { response: lying, cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({
      message: PASSKEY_NOT_REGISTERED,
    });
  });

  it("V6.5.6 a cloned passkey (counter not increasing) is refused", async () => {
    const { authenticator } = await userWithPasskey();
    const clone = authenticator.clone();
    const first = await passkeyAnswer(authenticator);
    await verifyPasskeySignIn(getDb(), { response: first.response, cookieToken: first.cookieToken, meta, previousTokens: [] });
    const copy = await passkeyAnswer(clone);
    await expect(verifyPasskeySignIn(getDb(), { response: copy.response, cookieToken: copy.cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({
      code: "webauthn_cloned",
    });
  });

  it("V6.3.1 an account suspended after repeated failed sign-ins cannot get around it with a passkey", async () => {
    const { authenticator, user } = await userWithPasskey();
    await getDb().insert(accountDefense).values({ userId: user.id, suspendedAt: new Date() });
    const { cookieToken, response } = await passkeyAnswer(authenticator);
    await expect(verifyPasskeySignIn(getDb(), { response, cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({ code: "account_suspended", status: 403 });
  });

  it("V8.2.1 a suspended member is told so, but only after the passkey is proven", async () => {
    const { authenticator, user } = await userWithPasskey();
    await getDb().update(memberships).set({ status: "suspended" }).where(eq(memberships.userId, user.id));
    const { cookieToken, response } = await passkeyAnswer(authenticator);
    await expect(verifyPasskeySignIn(getDb(), { response, cookieToken, meta, previousTokens: [] })).rejects.toMatchObject({
      code: "suspended",
      message: expect.stringMatching(/suspended/),
    });
    const unproven = await passkeyAnswer(authenticator, { userVerified: false });
    await expect(
      verifyPasskeySignIn(getDb(), { response: unproven.response, cookieToken: unproven.cookieToken, meta, previousTokens: [] }),
    ).rejects.toMatchObject({ code: "passkey_failed" });
  });

  it("V6.3.1 passkey sign-in is rate-limited per client address", async () => {
    const codes: string[] = [];
    const ip = { ...meta, ip: `2001:db8:77::${Math.floor(Math.random() * 0xffff).toString(16)}` };
    for (let i = 0; i < 31; i++) codes.push(await passkeySignInOptions(getDb(), ip).then(() => "ok", (e: { code: string }) => e.code));
    expect(codes.slice(0, 30)).toEqual(Array(30).fill("ok"));
    expect(codes.at(-1)).toBe("rate_limited");
  });
});

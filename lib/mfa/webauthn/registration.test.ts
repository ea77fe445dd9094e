import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { recoveryCodes, webauthnCredentials } from "@/db/schema";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { resetRateLimitsForTests } from "@/lib/ratelimit";
import { registrationOptions, verifyRegistration } from "./registration";
import { TestAuthenticator } from "@/tests/support/webauthn-authenticator";
import { contextOf, meta, newSessionFor, registerWith, signedInUser } from "@/tests/support/webauthn";
import { expectAudited } from "@/tests/audit";

beforeEach(() => resetRateLimitsForTests());

describe("WebAuthn registration", () => {
  it("V6.7.2 options carry our RP ID and name, attestation none, a challenge of at least 64 bits, and exclude the user's keys", async () => {
    const { ctx } = await signedInUser();
    const first = await registerWith(ctx, new TestAuthenticator());
    const again = await newSessionFor(ctx.user.id, ctx.organization.id, { mfaVerified: true });
    const options = await registrationOptions(getDb(), again.ctx, "security_key");
    expect(options.rp).toEqual({ id: "localhost", name: "ChargeKeep" });
    expect(options.attestation).toBe("none");
    expect(isoBase64URL.toBuffer(options.challenge).length).toBeGreaterThanOrEqual(8);
    expect(options.user.id).toBe(isoBase64URL.fromBuffer(new TextEncoder().encode(ctx.user.id)));
    const [stored] = await getDb().select().from(webauthnCredentials).where(eq(webauthnCredentials.id, first.id));
    expect(options.excludeCredentials).toEqual([{ id: stored!.credentialId, transports: ["usb"], type: "public-key" }]);
  });

  it("V6.3.3 a passkey must be discoverable and verify the person; a security key asks for neither", async () => {
    const { ctx } = await signedInUser();
    const passkey = await registrationOptions(getDb(), ctx, "passkey");
    expect(passkey.authenticatorSelection).toMatchObject({ residentKey: "required", requireResidentKey: true, userVerification: "required" });
    const key = await registrationOptions(getDb(), ctx, "security_key");
    expect(key.authenticatorSelection).toMatchObject({ residentKey: "discouraged", userVerification: "preferred" });
  });

  it("V6.5.6 a security key is stored with its public key, counter, transports and name; the first factor brings ten recovery codes once", async () => {
    const { ctx, user, organizationId } = await signedInUser();
    const created = await registerWith(ctx, new TestAuthenticator(), "security_key", "  Blue YubiKey  ");
    expect(created).toMatchObject({ name: "Blue YubiKey", discoverable: false });
    expect(created.recoveryCodes).toHaveLength(10);
    await expectAudited(getDb(), { action: "mfa.webauthn_registered", actorUserId: user.id, organizationId, metadata: { credentialId: created.id, discoverable: false } });
    const [row] = await getDb().select().from(webauthnCredentials).where(eq(webauthnCredentials.id, created.id));
    expect(row).toMatchObject({ userId: user.id, counter: 0, transports: ["usb"], discoverable: false, name: "Blue YubiKey", lastUsedAt: null });
    expect(row!.publicKey.length).toBeGreaterThan(50);
    expect(await getDb().select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toHaveLength(10);

    // a second key (with a fresh second factor) brings no new codes: the set is shown only once
    const later = await newSessionFor(user.id, organizationId, { mfaVerified: true });
    const second = await registerWith(later.ctx, new TestAuthenticator(), "passkey");
    expect(second).toMatchObject({ name: "Passkey", discoverable: true, recoveryCodes: null });
  });

  it("V6.7.2 an answer to another session's registration challenge is refused", async () => {
    const { ctx, user, organizationId } = await signedInUser();
    const other = await newSessionFor(user.id, organizationId);
    const options = await registrationOptions(getDb(), other.ctx, "security_key");
    const response = new TestAuthenticator().register(options);
    await expect(verifyRegistration(getDb(), ctx, { kind: "security_key", response, meta })).rejects.toMatchObject({ code: "webauthn_challenge_expired" });
    expect(await getDb().select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, user.id))).toEqual([]);
  });

  it("V6.5.1 a registration answer cannot be used twice", async () => {
    const { ctx } = await signedInUser();
    const options = await registrationOptions(getDb(), ctx, "security_key");
    const response = new TestAuthenticator().register(options);
    await verifyRegistration(getDb(), ctx, { kind: "security_key", response, meta });
    await expect(verifyRegistration(getDb(), ctx, { kind: "security_key", response, meta })).rejects.toMatchObject({ code: "webauthn_challenge_expired" });
  });

  it("V6.7.2 an attestation made on another origin (a phishing site) is refused, and the challenge is spent", async () => {
    const { ctx } = await signedInUser();
    const options = await registrationOptions(getDb(), ctx, "security_key");
    const phished = new TestAuthenticator().register(options, { origin: "https://chargekeep.evil.example" });
    await expect(verifyRegistration(getDb(), ctx, { kind: "security_key", response: phished, meta })).rejects.toMatchObject({
      code: "webauthn_registration_failed",
    });
    const honest = new TestAuthenticator().register(options);
    await expect(verifyRegistration(getDb(), ctx, { kind: "security_key", response: honest, meta })).rejects.toMatchObject({
      code: "webauthn_challenge_expired",
    });
  });

  it("V6.3.3 a passkey made without user verification is refused", async () => {
    const { ctx } = await signedInUser();
    const options = await registrationOptions(getDb(), ctx, "passkey");
    const response = new TestAuthenticator().register(options, { userVerified: false });
    await expect(verifyRegistration(getDb(), ctx, { kind: "passkey", response, meta })).rejects.toMatchObject({ code: "webauthn_registration_failed" });
  });

  it("V6.3.3 a passkey the authenticator could not make discoverable is refused with advice", async () => {
    const { ctx } = await signedInUser();
    const options = await registrationOptions(getDb(), ctx, "passkey");
    const response = new TestAuthenticator().register(options, { rk: false });
    await expect(verifyRegistration(getDb(), ctx, { kind: "passkey", response, meta })).rejects.toMatchObject({
      code: "webauthn_not_discoverable",
      message: expect.stringMatching(/security key instead/),
    });
  });

  it("V7.5.1 a user who already has a factor must have verified it recently to add another", async () => {
    const { ctx, user, organizationId } = await signedInUser();
    await registerWith(ctx, new TestAuthenticator());
    const stale = await newSessionFor(user.id, organizationId); // enrolled, no second factor on this session
    await expect(registrationOptions(getDb(), stale.ctx, "security_key")).rejects.toMatchObject({ code: "step_up_required" });
    const fresh = await newSessionFor(user.id, organizationId, { mfaVerified: true });
    await expect(registerWith(fresh.ctx, new TestAuthenticator())).resolves.toMatchObject({ name: "Security key" });
  });

  it("V6.5.6 a credential already registered (to anyone) is refused", async () => {
    const { ctx } = await signedInUser();
    const authenticator = new TestAuthenticator();
    const options = await registrationOptions(getDb(), ctx, "security_key");
    const response = authenticator.register(options);
    await verifyRegistration(getDb(), ctx, { kind: "security_key", response, meta });
    // an attacker's authenticator claims the victim's credential id for the attacker's account
    const attacker = await signedInUser();
    const theirOptions = await registrationOptions(getDb(), attacker.ctx, "security_key");
    const forged = new TestAuthenticator().register(theirOptions, { credentialId: response.id });
    await expect(verifyRegistration(getDb(), attacker.ctx, { kind: "security_key", response: forged, meta })).rejects.toMatchObject({
      code: "webauthn_duplicate",
      status: 409,
    });
    expect(await contextOf(attacker.token).then((c) => c.mfa.enrolled)).toBe(false);
  });

  it("V6.3.1 registration attempts are rate-limited per user", async () => {
    const { ctx } = await signedInUser();
    const outcomes: string[] = [];
    for (let i = 0; i < 11; i++) {
      const response = new TestAuthenticator().register(await registrationOptions(getDb(), ctx, "security_key"), { origin: "https://wrong.example" });
      outcomes.push(await verifyRegistration(getDb(), ctx, { kind: "security_key", response, meta }).then(() => "ok", (e: { code: string }) => e.code));
    }
    expect(outcomes.slice(0, 10).every((o) => o === "webauthn_registration_failed")).toBe(true);
    expect(outcomes[10]).toBe("rate_limited");
  });
});

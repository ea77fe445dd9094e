import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { sessions, ssoConnections } from "@/db/schema";
import { signIn, validateSessionToken } from "@/lib/auth";
import { sha256Hex } from "@/lib/crypto";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeTotpFactor, makeUser, roleIdOf, STRONG_PASSWORD } from "@/tests/factories";
import type { SandboxIdp } from "@/sandbox-idp/idp";
import { saveConnection, saveSsoPolicy, setConnectionEnabled } from "./connections";
import { startSsoTest } from "./flow";
import { SSO_REQUIRED_MESSAGE } from "./messages";
import { APP, emailOf, orgWithSso, SsoBrowser, startTestIdp, walkIdp } from "@/tests/support/sso";

let idp: SandboxIdp;
let setup: Awaited<ReturnType<typeof orgWithSso>>;

beforeAll(async () => {
  idp = await startTestIdp();
  setup = await orgWithSso(idp, { domain: idp.users[0]!.email.split("@")[1]! });
});
afterAll(() => idp.close());

const domainOf = () => idp.users[0]!.email.split("@")[1]!;
const passwordSignIn = (email: string) => signIn(getDb(), { email, password: STRONG_PASSWORD, ip: "203.0.113.9", userAgent: "vitest" });

describe("the SSO connection, its test round trip and the SSO-required policy", () => {
  it("V6.8.1 V13.3.1 the owner saves the connection (secret encrypted, issuer checked), tests it with a real round trip, then turns it on", async () => {
    const o = await orgWithSso(idp, { enabled: false });
    const db = getDb();
    await db.delete(ssoConnections).where(eq(ssoConnections.id, o.connection.id));
    await expect(saveConnection(db, o.ctx, { kind: "oidc", issuer: "http://idp.example.com", clientId: "x", clientSecret: "y" })).rejects.toThrow(/loopback/);
    const saved = await saveConnection(db, o.ctx, { kind: "oidc", issuer: `${idp.issuer}/`, clientId: "chargekeep-sso", clientSecret: "test-sso-secret" });
    await expectAudited(db, { action: "sso.connection_saved", organizationId: o.owner.organizationId, targetId: saved.id });
    const raw = await db.execute<{ client_secret: string }>(`select client_secret from sso_connections where id = '${saved.id}'` as never);
    expect(JSON.stringify(raw)).not.toContain("test-sso-secret");
    await expect(setConnectionEnabled(db, o.ctx, true)).rejects.toThrow(/Test the connection successfully/);

    const browser = new SsoBrowser();
    const { location, cookies } = await startSsoTest(db, o.ctx);
    for (const c of cookies) browser.store(APP, new Response(null, { headers: [["set-cookie", c]] }));
    const cb = await browser.callback(await walkIdp(browser, location, { email: emailOf(idp, "bob"), mfa: true }));
    const done = await browser.complete(cb.headers.get("location")!);
    expect(done.headers.get("location")).toBe("/admin/sso?test=ok");
    await expectAudited(db, { action: "sso.connection_tested", organizationId: o.owner.organizationId, result: "success", metadata: { claims: expect.stringContaining("amr pwd mfa") } });
    await setConnectionEnabled(db, o.ctx, true);
    await expectAudited(db, { action: "sso.connection_enabled", organizationId: o.owner.organizationId });
    await setConnectionEnabled(db, o.ctx, false);
    await expectAudited(db, { action: "sso.connection_disabled", organizationId: o.owner.organizationId });
  });

  it("V6.8.1 a failed test round trip is recorded with its reason", async () => {
    const o = await orgWithSso(idp, { enabled: false });
    const db = getDb();
    await db.update(ssoConnections).set({ clientSecret: "wrong-secret" }).where(eq(ssoConnections.id, o.connection.id));
    const browser = new SsoBrowser();
    const { location, cookies } = await startSsoTest(db, o.ctx);
    for (const c of cookies) browser.store(APP, new Response(null, { headers: [["set-cookie", c]] }));
    const cb = await browser.callback(await walkIdp(browser, location, { email: emailOf(idp, "bob") }));
    expect(cb.headers.get("location")).toBe("/admin/sso?test=failed");
    await expectAudited(db, { action: "sso.connection_tested", organizationId: o.owner.organizationId, result: "failure" });
  });

  it("V6.3.1 V6.8.1 SSO required: a member's password is refused with the sentence, their password sessions end, the break-glass owner gets in with password + second factor", async () => {
    const db = getDb();
    const orgId = setup.owner.organizationId;
    // A member with a password on the verified domain, and an owner (break-glass) with a second factor.
    const member = await makeUser({ organizationId: orgId, role: "member" });
    const memberEmail = `pw-member-${Date.now()}@${domainOf()}`;
    const { users } = await import("@/db/schema");
    await db.update(users).set({ email: memberEmail }).where(eq(users.id, member.user.id));
    const memberSession = await makeSession(member.user.id, orgId);
    const owner2 = await makeUser({ organizationId: orgId, role: "owner" });
    const ownerEmail = `pw-owner-${Date.now()}@${domainOf()}`;
    await db.update(users).set({ email: ownerEmail }).where(eq(users.id, owner2.user.id));
    await makeTotpFactor(owner2.user.id);

    expect(await passwordSignIn(memberEmail)).toMatchObject({ ok: true });
    const { endedSessions } = await saveSsoPolicy(db, setup.ctx, {
      mfaMode: "chargekeep",
      acceptedAmr: "mfa",
      acceptedAcr: "",
      jitEnabled: true,
      defaultRoleId: await roleIdOf(orgId, "member"),
      ssoRequired: true,
      breakGlassOwners: true,
    });
    expect(endedSessions).toBeGreaterThanOrEqual(1);
    expect(await db.select().from(sessions).where(eq(sessions.id, sha256Hex(memberSession.token)))).toHaveLength(0);
    await expectAudited(db, { action: "sso.policy_changed", organizationId: orgId, actorUserId: setup.owner.user.id });
    await expectAudited(db, { action: "sso.password_sessions_ended", organizationId: orgId });

    expect(await passwordSignIn(memberEmail)).toEqual({ ok: false, code: "sso_required", message: SSO_REQUIRED_MESSAGE });
    await expectAudited(db, { action: "auth.sign_in_failed", actorUserId: member.user.id, metadata: { reason: "sso_required" } });
    // A wrong password reads the same: the sentence never confirms a password.
    expect(await signIn(db, { email: memberEmail, password: "wrong password entirely", ip: "203.0.113.9", userAgent: "vitest" })).toMatchObject({ code: "sso_required" });
    const breakGlass = await passwordSignIn(ownerEmail);
    expect(breakGlass).toMatchObject({ ok: true, mfaRequired: true });
    expect(await validateSessionToken(db, (breakGlass as { token: string }).token, "mfa_pending")).not.toBeNull();

    await saveSsoPolicy(db, setup.ctx, { mfaMode: "chargekeep", acceptedAmr: "mfa", acceptedAcr: "", jitEnabled: true, defaultRoleId: await roleIdOf(orgId, "member"), ssoRequired: true, breakGlassOwners: false });
    expect(await passwordSignIn(ownerEmail)).toMatchObject({ code: "sso_required" });
    await expect(
      saveSsoPolicy(db, setup.ctx, { mfaMode: "chargekeep", acceptedAmr: "", acceptedAcr: "", jitEnabled: true, defaultRoleId: await roleIdOf(orgId, "owner"), ssoRequired: false, breakGlassOwners: true }),
    ).rejects.toThrow(/cannot start as owners/);
    await saveSsoPolicy(db, setup.ctx, { mfaMode: "chargekeep", acceptedAmr: "mfa", acceptedAcr: "", jitEnabled: true, defaultRoleId: await roleIdOf(orgId, "member"), ssoRequired: false, breakGlassOwners: true });
    expect(await passwordSignIn(memberEmail)).toMatchObject({ ok: true });
    // SSO on but not required: a failed password on such an address offers the SSO button.
    expect(await signIn(db, { email: memberEmail, password: "wrong password entirely", ip: "203.0.113.9", userAgent: "vitest" })).toMatchObject({ code: "invalid_credentials", ssoAvailable: true });
  });
});

import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { memberships, sessions, ssoConnections, ssoIdentities, users } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { sha256Hex } from "@/lib/crypto";
import { expectAudited } from "@/tests/audit";
import { makeTotpFactor } from "@/tests/factories";
import type { SandboxIdp } from "@/sandbox-idp/idp";
import { APP, emailOf, orgWithSso, signInBySso, SsoBrowser, startTestIdp } from "@/tests/support/sso";

let idp: SandboxIdp;
let setup: Awaited<ReturnType<typeof orgWithSso>>;

beforeAll(async () => {
  idp = await startTestIdp();
  setup = await orgWithSso(idp, { domain: idp.users[0]!.email.split("@")[1]! });
});
afterAll(() => idp.close());

const sessionCookie = (b: SsoBrowser) => b.cookie(APP, "ck_session");

describe("single sign-on through Auth.js and the sandbox IdP", () => {
  it("V6.8.1 V10.5.2 a first SSO sign-in creates the member just in time with the default role and an ordinary session; no Auth.js cookie survives", async () => {
    const browser = new SsoBrowser();
    const email = emailOf(idp, "alice");
    const { completion, location } = await signInBySso(browser, { email });
    expect(location).toBe("/dashboard");
    expect(completion!.status).toBe(303);
    const token = sessionCookie(browser)!;
    const ctx = await validateSessionToken(getDb(), token);
    expect(ctx).toMatchObject({ user: { email }, organization: { id: setup.owner.organizationId, roleKey: "member" } });
    const [row] = await getDb().select().from(sessions).where(eq(sessions.id, sha256Hex(token)));
    expect(row!.viaSso).toBe(true);
    // Only our cookie: Auth.js's state/PKCE/nonce/callback cookies are all gone, and it never set a session.
    expect([...(browser.jars.get(new URL(APP).host)?.keys() ?? [])]).toEqual(["ck_session"]);
    const [user] = await getDb().select().from(users).where(eq(users.email, email));
    expect(user!.passwordHash).toBeNull();
    const [identity] = await getDb().select().from(ssoIdentities).where(eq(ssoIdentities.userId, user!.id));
    expect(identity).toMatchObject({ organizationId: setup.owner.organizationId, issuer: idp.issuer, subject: "idp-user-alice" });
    await expectAudited(getDb(), { action: "sso.member_provisioned", organizationId: setup.owner.organizationId, actorUserId: user!.id });
    await expectAudited(getDb(), { action: "sso.identity_linked", organizationId: setup.owner.organizationId, targetId: user!.id });
    await expectAudited(getDb(), { action: "auth.sign_in", organizationId: setup.owner.organizationId, actorUserId: user!.id, metadata: { method: "sso" } });
  });

  it("V6.8.1 the second sign-in matches the same member by (organization, issuer, subject)", async () => {
    const email = emailOf(idp, "alice");
    const first = new SsoBrowser();
    await signInBySso(first, { email });
    const second = new SsoBrowser();
    await signInBySso(second, { email });
    const [user] = await getDb().select().from(users).where(eq(users.email, email));
    const rows = await getDb().select().from(memberships).where(eq(memberships.userId, user!.id));
    expect(rows).toHaveLength(1);
    expect(await validateSessionToken(getDb(), sessionCookie(second)!)).toMatchObject({ user: { id: user!.id } });
  });

  it("V6.8.1 the organization's sign-in link starts SSO without an e-mail", async () => {
    const browser = new SsoBrowser();
    const { location } = await signInBySso(browser, { email: emailOf(idp, "bob"), organizationId: setup.owner.organizationId });
    expect(location).toBe("/dashboard");
  });

  it("V6.8.4 V6.3.3 with MFA counted from the IdP (amr mfa) the session is fully verified; without it our own second factor is asked", async () => {
    const db = getDb();
    await db.update(ssoConnections).set({ mfaMode: "idp", acceptedAmr: "mfa" }).where(eq(ssoConnections.id, setup.connection.id));
    try {
      const withMfa = new SsoBrowser();
      await signInBySso(withMfa, { email: emailOf(idp, "carol"), mfa: true });
      const ctx = await validateSessionToken(db, sessionCookie(withMfa)!);
      expect(ctx!.mfa.verifiedAt).not.toBeNull();

      // Carol now has her own authenticator app: a password-only IdP sign-in lands on our MFA step.
      const [carol] = await db.select().from(users).where(eq(users.email, emailOf(idp, "carol")));
      await makeTotpFactor(carol!.id);
      const without = new SsoBrowser();
      const { location } = await signInBySso(without, { email: emailOf(idp, "carol") });
      expect(location).toMatch(/^\/mfa\/verify/);
      expect(sessionCookie(without)).toBeUndefined();
      expect(await validateSessionToken(db, without.cookie(APP, "ck_mfa")!, "mfa_pending")).not.toBeNull();
    } finally {
      await db.update(ssoConnections).set({ mfaMode: "chargekeep" }).where(eq(ssoConnections.id, setup.connection.id));
    }
  });

  it("V6.8.4 V6.3.3 under an MFA-everyone policy, IdP MFA the organization accepts counts as enrolled; without it the member must enrol their own factor", async () => {
    const db = getDb();
    const { organizationMfaPolicies } = await import("@/db/schema");
    await db.insert(organizationMfaPolicies).values({ organizationId: setup.owner.organizationId, policy: "all", graceDays: 0, since: new Date(Date.now() - 86_400_000) });
    await db.update(ssoConnections).set({ mfaMode: "idp", acceptedAmr: "mfa" }).where(eq(ssoConnections.id, setup.connection.id));
    try {
      const withMfa = new SsoBrowser();
      await signInBySso(withMfa, { email: emailOf(idp, "bob"), mfa: true });
      expect((await validateSessionToken(db, sessionCookie(withMfa)!))!.mfa).toMatchObject({ required: true, mustEnrol: false });
      const without = new SsoBrowser();
      await signInBySso(without, { email: emailOf(idp, "bob") });
      expect((await validateSessionToken(db, sessionCookie(without)!))!.mfa).toMatchObject({ required: true, mustEnrol: true, verifiedAt: null });
    } finally {
      await db.delete(organizationMfaPolicies).where(eq(organizationMfaPolicies.organizationId, setup.owner.organizationId));
      await db.update(ssoConnections).set({ mfaMode: "chargekeep" }).where(eq(ssoConnections.id, setup.connection.id));
    }
  });

  it("V6.8.1 a suspended member is refused at the IdP's return, with the reason audited", async () => {
    const db = getDb();
    const email = emailOf(idp, "dave");
    await signInBySso(new SsoBrowser(), { email });
    const [dave] = await db.select().from(users).where(eq(users.email, email));
    await db.update(memberships).set({ status: "suspended" }).where(and(eq(memberships.userId, dave!.id), eq(memberships.organizationId, setup.owner.organizationId)));
    const browser = new SsoBrowser();
    const { location } = await signInBySso(browser, { email });
    expect(location).toBe("/sign-in/sso?error=member_suspended");
    expect(sessionCookie(browser)).toBeUndefined();
    await expectAudited(db, { action: "auth.sign_in_failed", organizationId: setup.owner.organizationId, result: "failure", metadata: { method: "sso", reason: "member_suspended" } });
  });

  it("V6.8.1 JIT off: someone the organization does not know yet is refused and nothing is created", async () => {
    const db = getDb();
    await db.update(ssoConnections).set({ jitEnabled: false }).where(eq(ssoConnections.id, setup.connection.id));
    try {
      const browser = new SsoBrowser();
      const email = emailOf(idp, "erin");
      const { location } = await signInBySso(browser, { email });
      expect(location).toBe("/sign-in/sso?error=not_a_member");
      expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
      await expectAudited(db, { action: "auth.sign_in_failed", organizationId: setup.owner.organizationId, metadata: { method: "sso", reason: "not_a_member" } });
    } finally {
      await db.update(ssoConnections).set({ jitEnabled: true }).where(eq(ssoConnections.id, setup.connection.id));
    }
  });
});

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { ssoAttempts, ssoConnections, ssoIdentities, users } from "@/db/schema";
import { expectAudited } from "@/tests/audit";
import type { SandboxIdp } from "@/sandbox-idp/idp";
import { acceptIdpSignIn } from "./accept";
import { findOpenAttempt, startAttempt } from "./attempts";
import { APP, emailOf, orgWithSso, signInBySso, SsoBrowser, startTestIdp, walkIdp } from "@/tests/support/sso";

let idp: SandboxIdp;
let a: Awaited<ReturnType<typeof orgWithSso>>;
/** Another organization using the same IdP, without the directory's domain. */
let b: Awaited<ReturnType<typeof orgWithSso>>;

beforeAll(async () => {
  idp = await startTestIdp();
  a = await orgWithSso(idp, { domain: idp.users[0]!.email.split("@")[1]! });
  b = await orgWithSso(idp);
});
afterAll(() => idp.close());

/** Up to the completion URL, without spending it. */
async function ticketUrl(browser: SsoBrowser, email: string): Promise<string> {
  const started = await browser.start({ email });
  const { redirect } = (await started.json()) as { redirect: string };
  const cb = await browser.callback(await walkIdp(browser, redirect, { email }));
  const to = cb.headers.get("location")!;
  expect(to).toContain("/api/auth/sso/complete?ticket=");
  return to;
}

describe("single sign-on, the attacker's view", () => {
  it("V10.5.3 an ID token whose issuer is not the connection's is refused", async () => {
    const { browserToken } = await startAttempt(getDb(), { connection: a.connection, purpose: "sign_in" });
    const attempt = await findOpenAttempt(getDb(), a.connection.id, browserToken);
    const result = await acceptIdpSignIn(getDb(), {
      connection: a.connection,
      attempt,
      claims: { iss: "http://127.0.0.1:1/evil", sub: "idp-user-alice", email: emailOf(idp, "alice"), email_verified: true },
      meta: null,
    });
    expect(result).toEqual({ ok: false, reason: "issuer_mismatch" });
    await expectAudited(getDb(), { action: "auth.sign_in_failed", organizationId: a.owner.organizationId, metadata: { method: "sso", reason: "issuer_mismatch" } });
  });

  it("V6.8.1 another organization's provider cannot finish a sign-in started for this one", async () => {
    const browser = new SsoBrowser();
    const started = await browser.start({ email: emailOf(idp, "alice") });
    const { redirect } = (await started.json()) as { redirect: string };
    const back = await walkIdp(browser, redirect, { email: emailOf(idp, "alice") });
    // The IdP's answer, delivered to organization B's callback instead of A's.
    const res = await browser.callback(back.replace(a.connection.id, b.connection.id));
    expect(res.headers.get("location")).toMatch(/^\/sign-in\/sso\?error=(attempt_not_found|provider_error)$/);
    expect(browser.cookie(APP, "ck_session")).toBeUndefined();
    // The attempt is also unknown to B's callback by construction: it names A's connection.
    const [attempt] = await getDb().select().from(ssoAttempts).where(eq(ssoAttempts.connectionId, b.connection.id));
    expect(attempt).toBeUndefined();
  });

  it("V10.5.1 a replayed ticket is refused: it works once", async () => {
    const browser = new SsoBrowser();
    const url = await ticketUrl(browser, emailOf(idp, "alice"));
    const first = await browser.complete(url);
    expect(first.headers.get("location")).toBe("/dashboard");
    const replay = await browser.complete(url);
    expect(replay.headers.get("location")).toBe("/sign-in/sso?error=ticket_invalid");
    await expectAudited(getDb(), { action: "auth.sign_in_failed", organizationId: null, metadata: { method: "sso", reason: "ticket_invalid" } });
  });

  it("V10.5.1 an expired ticket (over 60 seconds) is refused", async () => {
    const browser = new SsoBrowser();
    const url = await ticketUrl(browser, emailOf(idp, "alice"));
    const { sha256Hex } = await import("@/lib/crypto");
    const ticket = new URL(url, APP).searchParams.get("ticket")!;
    await getDb().update(ssoAttempts).set({ ticketExpiresAt: new Date(Date.now() - 1000) }).where(eq(ssoAttempts.ticketHash, sha256Hex(ticket)));
    const res = await browser.complete(url);
    expect(res.headers.get("location")).toBe("/sign-in/sso?error=ticket_invalid");
    expect(browser.cookie(APP, "ck_session")).toBeUndefined();
  });

  it("V10.1.2 a ticket shown by another browser is refused (it is bound to the starting browser's cookie)", async () => {
    const victim = new SsoBrowser();
    const url = await ticketUrl(victim, emailOf(idp, "alice"));
    const attacker = new SsoBrowser();
    const stolen = await attacker.complete(url);
    expect(stolen.headers.get("location")).toBe("/sign-in/sso?error=ticket_invalid");
    expect(attacker.cookie(APP, "ck_session")).toBeUndefined();
    // The rightful browser still completes it.
    expect((await victim.complete(url)).headers.get("location")).toBe("/dashboard");
  });

  it("V6.8.1 an organization that has not verified the domain cannot sign in an address on it (it is verified by another organization)", async () => {
    const browser = new SsoBrowser();
    const { location } = await signInBySso(browser, { email: emailOf(idp, "bob"), organizationId: b.owner.organizationId });
    expect(location).toBe("/sign-in/sso?error=domain_not_verified");
    expect(browser.cookie(APP, "ck_session")).toBeUndefined();
    await expectAudited(getDb(), { action: "auth.sign_in_failed", organizationId: b.owner.organizationId, metadata: { method: "sso", reason: "domain_not_verified" } });
  });

  it("V10.5.2 a changed `sub` for the same e-mail is refused, never relinked by e-mail", async () => {
    const db = getDb();
    const email = emailOf(idp, "carol");
    const first = new SsoBrowser();
    await signInBySso(first, { email });
    const [carol] = await db.select().from(users).where(eq(users.email, email));
    // The member was linked under another subject: the IdP now presents a new `sub` with the same address.
    await db.update(ssoIdentities).set({ subject: "previous-subject" }).where(eq(ssoIdentities.userId, carol!.id));
    const browser = new SsoBrowser();
    const { location } = await signInBySso(browser, { email });
    expect(location).toBe("/sign-in/sso?error=subject_changed");
    expect(browser.cookie(APP, "ck_session")).toBeUndefined();
    await expectAudited(db, { action: "auth.sign_in_failed", organizationId: a.owner.organizationId, actorUserId: carol!.id, metadata: { method: "sso", reason: "subject_changed" } });
    const identities = await db.select().from(ssoIdentities).where(eq(ssoIdentities.userId, carol!.id));
    expect(identities.map((i) => i.subject)).toEqual(["previous-subject"]);
  });

  it("V6.8.1 a disabled connection signs nobody in", async () => {
    await getDb().update(ssoConnections).set({ enabled: false }).where(eq(ssoConnections.id, a.connection.id));
    try {
      const res = await new SsoBrowser().start({ email: emailOf(idp, "alice") });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Single sign-on is not set up for that address/);
    } finally {
      await getDb().update(ssoConnections).set({ enabled: true }).where(eq(ssoConnections.id, a.connection.id));
    }
  });
});

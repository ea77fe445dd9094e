import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { signOutAction, switchOrganizationAction } from "@/app/(app)/actions";
import { revokeOtherSessionsAction, revokeSessionAction } from "@/app/(app)/settings/sessions/actions";
import { POST as signOutRoute } from "@/app/api/auth/sign-out/route";
import { DELETE as deleteSessionRoute } from "@/app/api/sessions/[id]/route";
import { getDb } from "@/db";
import { memberships, users } from "@/db/schema";
import { requestPasswordReset, resetPassword, signUp, validateSessionToken, verifyEmail } from "@/lib/auth";
import { recordKeyRotation } from "@/lib/audit";
import { createOrganization } from "@/lib/orgs";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeUser, roleIdOf } from "@/tests/factories";
import { lastLinkTo } from "@/tests/outbox";
import { cookieJar, resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";

const db = () => getDb();

function form(values: Record<string, string> = {}) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

async function settle(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!String((e as { digest?: string }).digest ?? "").startsWith("NEXT_REDIRECT")) throw e;
  }
}

function asBrowser(token: string) {
  resetRequestContext();
  setRequestCookie("ck_session", token);
  setRequestHeaders({ "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "x-request-id": "req-audit" });
}

describe("account events in the audit log", () => {
  it("V16.3.1 records auth.sign_up and organization.created for a new account, then auth.email_verified", async () => {
    const email = `founder-${crypto.randomUUID()}@example.test`;
    await signUp(db(), { name: "Nia Founder", organizationName: "Nia Ltd", email, password: "violet-harbor-lantern-93" });
    const [user] = await db().select().from(users).where(eq(users.email, email));
    const [m] = await db().select().from(memberships).where(eq(memberships.userId, user!.id));
    const signedUp = await expectAudited(db(), { action: "auth.sign_up", actorUserId: user!.id, organizationId: m!.organizationId });
    expect(JSON.stringify(signedUp)).not.toContain("violet-harbor-lantern-93"); // V16.2.5
    await expectAudited(db(), { action: "organization.created", actorUserId: user!.id, organizationId: m!.organizationId, targetId: m!.organizationId });

    const token = lastLinkTo(email, "/verify-email");
    expect(await verifyEmail(db(), token)).toBe(true);
    const verified = await expectAudited(db(), { action: "auth.email_verified", actorUserId: user!.id, organizationId: null });
    expect(JSON.stringify(verified)).not.toContain(token);
  });

  it("V16.3.1 records auth.password_reset_requested and auth.password_reset (with the sessions it ended), never the link", async () => {
    const { user, email, organizationId } = await makeUser();
    await makeSession(user.id, organizationId);
    await requestPasswordReset(db(), email);
    await expectAudited(db(), { action: "auth.password_reset_requested", actorUserId: user.id, organizationId: null });
    const token = lastLinkTo(email, "/reset-password");
    await resetPassword(db(), token, "quiet-meadow-compass-71");
    const reset = await expectAudited(db(), { action: "auth.password_reset", actorUserId: user.id, metadata: { sessionsEnded: 1 } });
    expect(JSON.stringify(reset)).not.toContain(token);
    expect(JSON.stringify(reset)).not.toContain("quiet-meadow-compass-71");
  });

  it("V16.3.1 an unknown address asking for a reset records nothing about any account", async () => {
    const email = `nobody-${crypto.randomUUID()}@example.test`;
    await requestPasswordReset(db(), email);
    const { auditEvents } = await import("@/db/schema");
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.action, "auth.password_reset_requested"));
    expect(rows.some((r) => JSON.stringify(r).includes(email))).toBe(false);
  });

  it("V16.3.1 records auth.sign_out from the form and from the API, with the browser's user agent", async () => {
    const { user, organizationId } = await makeUser();
    const first = await makeSession(user.id, organizationId);
    asBrowser(first.token);
    await settle(signOutAction(undefined, form()));
    const event = await expectAudited(db(), { action: "auth.sign_out", actorUserId: user.id, organizationId });
    expect(event.userAgent).toContain("Firefox");

    const second = await makeSession(user.id, organizationId);
    const res = await signOutRoute(new Request("http://localhost:3000/api/auth/sign-out", { method: "POST", headers: { cookie: `ck_session=${second.token}`, origin: "http://localhost:3000" } }));
    expect(res.status).toBe(204);
    await expectAudited(db(), { action: "auth.sign_out", actorUserId: user.id, organizationId });
  });

  it("V16.3.1 records auth.session_revoked and auth.other_sessions_revoked; another user's session id records nothing", async () => {
    const { user, organizationId, password } = await makeUser();
    const mine = await makeSession(user.id, organizationId);
    const other = await makeSession(user.id, organizationId);
    const otherId = (await validateSessionToken(db(), other.token))!.session.id;
    asBrowser(mine.token);
    expect(await revokeSessionAction(undefined, form({ sessionId: otherId, password }))).toMatchObject({ ok: true });
    const revoked = await expectAudited(db(), { action: "auth.session_revoked", actorUserId: user.id, organizationId });
    expect(revoked.targetId).toBe(otherId.slice(0, 12)); // a prefix, not the whole session id

    await makeSession(user.id, organizationId);
    await makeSession(user.id, organizationId);
    expect(await revokeOtherSessionsAction(undefined, form({ password }))).toMatchObject({ ok: true });
    await expectAudited(db(), { action: "auth.other_sessions_revoked", actorUserId: user.id, organizationId, metadata: { count: 2 } });

    const stranger = await makeUser();
    const theirs = await makeSession(stranger.user.id, stranger.organizationId);
    const theirId = (await validateSessionToken(db(), theirs.token))!.session.id;
    const res = await deleteSessionRoute(new Request(`http://localhost:3000/api/sessions/${theirId}`, { method: "DELETE", headers: { cookie: `ck_session=${mine.token}`, origin: "http://localhost:3000", "content-type": "application/json" }, body: JSON.stringify({ password }) }), {
      params: Promise.resolve({ id: theirId }),
    });
    expect(res.status).toBe(404);
    const { auditEvents } = await import("@/db/schema");
    expect(await db().select().from(auditEvents).where(eq(auditEvents.targetId, theirId.slice(0, 12)))).toEqual([]);
  });

  it("V16.3.1 records auth.organization_switched in the organization switched to, and organization.created for a new one", async () => {
    const { user, organizationId } = await makeUser();
    const other = await makeUser();
    await db().insert(memberships).values({ userId: user.id, organizationId: other.organizationId, roleId: await roleIdOf(other.organizationId, "member") });
    const { token } = await makeSession(user.id, organizationId);
    asBrowser(token);
    await settle(switchOrganizationAction(undefined, form({ organizationId: other.organizationId })));
    await expectAudited(db(), { action: "auth.organization_switched", actorUserId: user.id, organizationId: other.organizationId, metadata: { from: organizationId } });

    const ctx = await validateSessionToken(db(), cookieJar().get("ck_session")!.value);
    await createOrganization(db(), ctx!, "Side Project Ltd");
    await expectAudited(db(), { action: "organization.created", actorUserId: user.id });
  });

  it("V16.3.1 records keys.rotated on the platform chain with key ids and counts only", async () => {
    await recordKeyRotation(db(), { targetKeyId: 7, created: true, rewritten: 12, complete: true, retired: [6], remaining: 0 });
    await expectAudited(db(), { action: "keys.rotated", organizationId: null, targetId: "7", result: "success", metadata: { rewritten: 12, retired: "6" } });
  });
});

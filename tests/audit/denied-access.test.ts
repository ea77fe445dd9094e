import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { prepareAuditExportAction } from "@/app/(app)/admin/audit/actions";
import { GET as exportAuditRoute } from "@/app/api/audit/export/route";
import { getDb } from "@/db";
import { auditEvents } from "@/db/schema";
import { DENIED_REPEAT_MS, recordDeniedAccess, resetDeniedAccessForTests, validateSessionToken } from "@/lib/auth";
import { useFakeClock } from "@/lib/clock";
import { RateLimitedError, policies, resetRateLimitsForTests } from "@/lib/ratelimit";
import { authorize } from "@/lib/rbac/authorize";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser } from "@/tests/factories";
import { setRequestCookie, setRequestHeaders } from "@/tests/request-context";

const db = () => getDb();

async function deniedEvents(userId: string) {
  return db().select().from(auditEvents).where(and(eq(auditEvents.action, "access.denied"), eq(auditEvents.actorUserId, userId)));
}

function exportRequest(token: string) {
  return new Request("http://localhost:3000/api/audit/export?format=csv", { headers: { cookie: `ck_session=${token}`, "user-agent": "curl/8" } });
}

async function memberOfOwnersOrg() {
  const owner = await makeUser();
  const member = await makeUser({ organizationId: owner.organizationId, role: "member" });
  return { owner, member, token: (await makeSession(member.user.id, owner.organizationId)).token };
}

beforeEach(() => {
  resetDeniedAccessForTests();
  resetRateLimitsForTests();
});

describe("failed authorization is logged (access.denied)", () => {
  it("V16.3.2 a route handler's 403 for a missing permission is recorded with the permission, the route and the client", async () => {
    const { owner, member, token } = await memberOfOwnersOrg();
    const res = await exportAuditRoute(exportRequest(token));
    expect(res.status).toBe(403);
    const event = await expectAudited(db(), {
      action: "access.denied",
      organizationId: owner.organizationId,
      actorUserId: member.user.id,
      result: "denied",
      metadata: { reason: "forbidden", permission: "audit:export", route: "GET /api/audit/export", repeatsLeftOut: 0 },
    });
    expect(event.userAgent).toBe("curl/8");
    expect(JSON.stringify(event.metadata)).not.toContain("format=csv"); // the route, never its query string
  });

  it("V16.3.2 a server action's 403 and a page's 403 are recorded too", async () => {
    const { owner, member, token } = await memberOfOwnersOrg();
    setRequestCookie("ck_session", token);
    setRequestHeaders({ "x-pathname": "/admin/audit?q=1" });
    expect(await prepareAuditExportAction(undefined, new FormData())).toMatchObject({ ok: false });
    await expectAudited(db(), { action: "access.denied", organizationId: owner.organizationId, actorUserId: member.user.id, metadata: { reason: "forbidden", permission: "audit:export", route: "action /admin/audit" } });

    const page = (await import("@/app/(app)/admin/audit/page")) as { default: (p: unknown) => Promise<unknown> };
    const digest = await page.default({ params: Promise.resolve({}), searchParams: Promise.resolve({}) }).then(
      () => "rendered",
      (e: { digest?: string }) => String(e.digest),
    );
    expect(digest).toMatch(/;403$/);
    await expectAudited(db(), { action: "access.denied", actorUserId: member.user.id, metadata: { reason: "forbidden", permission: "audit:read", route: "page /admin/audit" } });
  });

  it("V16.3.2 a refusal for want of a fresh second factor (step-up) is recorded; an allowed request records nothing", async () => {
    const owner = await makeUser();
    await makeTotpFactor(owner.user.id);
    const { token } = await makeSession(owner.user.id, owner.organizationId);
    const res = await exportAuditRoute(exportRequest(token));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("step_up_required");
    await expectAudited(db(), { action: "access.denied", actorUserId: owner.user.id, metadata: { reason: "step_up_required", permission: "audit:export" } });

    const other = await makeUser();
    const fresh = await makeSteppedUpSession(other.user.id, other.organizationId);
    expect((await exportAuditRoute(exportRequest(fresh.token))).status).toBe(200);
    expect(await deniedEvents(other.user.id)).toEqual([]);
  });

  it("V16.3.2 V8.4.1 another organization's object (answered as not found) is recorded as other_organization", async () => {
    const a = await makeUser();
    const ctx = (await validateSessionToken(db(), (await makeSession(a.user.id, a.organizationId)).token))!;
    const foreign = await makeUser();
    const err = (() => {
      try {
        authorize(ctx, "members:read", { organizationId: foreign.organizationId });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ status: 404, code: "not_found", message: "That item was not found." });
    expect(await recordDeniedAccess(db(), ctx, err, { route: "GET /api/x", permission: "members:read" }, null)).toBe(true);
    await expectAudited(db(), { action: "access.denied", actorUserId: a.user.id, organizationId: a.organizationId, metadata: { reason: "other_organization" } });
    // A plain 404 or a bad request is not an authorization failure.
    const { notFound, badRequest } = await import("@/lib/errors");
    expect(await recordDeniedAccess(db(), ctx, notFound(), { route: "GET /api/y", permission: null }, null)).toBe(false);
    expect(await recordDeniedAccess(db(), ctx, badRequest("x"), { route: "GET /api/y", permission: null }, null)).toBe(false);
  });

  it("V16.3.3 an attacker cannot flood the log: a repeat within a minute is counted, not recorded, and each user has a budget", async () => {
    // The budget is a sliding window (the current 10-minute window plus the previous one, weighted
    // and rounded down): every event of this test must fall in one window for the budget to be exact,
    // so when the minute below would cross a window boundary, start just after it instead.
    const windowMs = 10 * 60_000;
    let start = Date.now();
    if (windowMs - (start % windowMs) < 2 * 60_000) start = Math.ceil(start / windowMs) * windowMs + 1_000;
    const clock = useFakeClock(new Date(start));
    const { member, token } = await memberOfOwnersOrg();
    for (let i = 0; i < 50; i++) expect((await exportAuditRoute(exportRequest(token))).status).toBe(403);
    expect(await deniedEvents(member.user.id)).toHaveLength(1);
    clock.advance(DENIED_REPEAT_MS + 1);
    expect((await exportAuditRoute(exportRequest(token))).status).toBe(403);
    await expectAudited(db(), { action: "access.denied", actorUserId: member.user.id, metadata: { repeatsLeftOut: 49 } });

    // Distinct refusals (here: routes) use up the user's budget, then nothing more is written.
    const ctx = (await validateSessionToken(db(), token))!;
    const forbidden = (await import("@/lib/errors")).forbidden();
    for (let i = 0; i < 100; i++) await recordDeniedAccess(db(), ctx, forbidden, { route: `GET /api/probe/${i}`, permission: null }, null);
    expect(await deniedEvents(member.user.id)).toHaveLength(policies["audit-denied-user"].limit);
  });

  it("V16.3.3 a signed-in request stopped by a rate limit (429) is recorded", async () => {
    const { member, token } = await memberOfOwnersOrg();
    const ctx = (await validateSessionToken(db(), token))!;
    const limited = new RateLimitedError("Too many exports. Wait 1 hour and try again.", { limit: 10, remaining: 0, resetAt: Date.now() + 3_600_000, retryAfterSeconds: 3600 });
    expect(await recordDeniedAccess(db(), ctx, limited, { route: "GET /api/reports/transactions.csv", permission: "reports:export" }, null)).toBe(true);
    await expectAudited(db(), { action: "access.denied", actorUserId: member.user.id, metadata: { reason: "rate_limited", route: "GET /api/reports/transactions.csv" } });
  });
});

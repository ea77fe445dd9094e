import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { changeMemberRoleAction } from "@/app/(app)/admin/members/[userId]/actions";
import { getDb } from "@/db";
import { memberships } from "@/db/schema";
import { createSession, validateSessionToken, type SessionContext } from "@/lib/auth";
import { useFakeClock } from "@/lib/clock";
import { resetEnvCache } from "@/lib/env";
import { changeMemberRole, suspendMember } from "@/lib/rbac";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser, roleIdOf } from "@/tests/factories";
import { setRequestCookie } from "@/tests/request-context";
import { completeStepUp } from "./completion";
import { hasRecentMfa, requireRecentMfa } from "@/lib/credentials";

const MINUTE = 60_000;

async function ctxFor(token: string): Promise<SessionContext> {
  const ctx = await validateSessionToken(getDb(), token);
  if (!ctx) throw new Error("no session");
  return ctx;
}

const roleOf = async (userId: string, organizationId: string) =>
  (await getDb().select({ roleId: memberships.roleId }).from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId))))[0]
    ?.roleId;

/** An owner with an authenticator app and a member to act on. */
async function orgWithMember() {
  const owner = await makeUser();
  const member = await makeUser({ organizationId: owner.organizationId, role: "member" });
  return { owner, member, orgId: owner.organizationId };
}

describe("requireRecentMfa: the step-up guard", () => {
  it("V7.5.3 passes for a second factor inside the window and asks again once it is older", async () => {
    const clock = useFakeClock(new Date());
    const { user, organizationId } = await makeUser();
    const { token } = await makeSteppedUpSession(user.id, organizationId);
    clock.advance(5 * MINUTE - 1000);
    const fresh = await ctxFor(token);
    expect(hasRecentMfa(fresh)).toBe(true);
    expect(() => requireRecentMfa(fresh)).not.toThrow();

    clock.advance(2000); // just past the default 5 minutes
    const stale = await ctxFor(token);
    expect(hasRecentMfa(stale)).toBe(false);
    expect(() => requireRecentMfa(stale)).toThrow(expect.objectContaining({ code: "step_up_required", status: 403 }));
  });

  it("V7.5.3 the window follows MFA_STEP_UP_MINUTES", async () => {
    vi.stubEnv("MFA_STEP_UP_MINUTES", "2");
    resetEnvCache();
    const clock = useFakeClock(new Date());
    const { user, organizationId } = await makeUser();
    const { token } = await makeSteppedUpSession(user.id, organizationId);
    clock.advance(2 * MINUTE - 1000);
    expect(hasRecentMfa(await ctxFor(token))).toBe(true);
    clock.advance(2000);
    await expect(ctxFor(token).then(requireRecentMfa)).rejects.toMatchObject({ code: "step_up_required" });
  });

  it("V7.5.3 a session that never passed a second factor (password sign-in before enrolling) must verify first", async () => {
    const { user, organizationId } = await makeUser();
    await makeTotpFactor(user.id);
    const { token } = await makeSession(user.id, organizationId);
    const ctx = await ctxFor(token);
    expect(ctx.mfa.enrolled).toBe(true);
    expect(ctx.mfa.verifiedAt).toBeNull();
    expect(() => requireRecentMfa(ctx)).toThrow(expect.objectContaining({ code: "step_up_required" }));
  });

  it("V7.5.3 V6.3.3 someone without any second factor is asked to enrol, not to verify", async () => {
    const { user, organizationId } = await makeUser();
    const ctx = await ctxFor((await makeSession(user.id, organizationId)).token);
    expect(ctx.mfa.enrolled).toBe(false);
    expect(() => requireRecentMfa(ctx)).toThrow(expect.objectContaining({ code: "mfa_enrolment_required", status: 403 }));
  });

  it("V7.5.3 a session row marked verified long ago does not count: the time is checked, not a flag", async () => {
    const clock = useFakeClock(new Date());
    const { user, organizationId } = await makeUser();
    await makeTotpFactor(user.id);
    // verified at creation, then kept alive by activity every few minutes for an hour
    const { token } = await createSession(getDb(), { userId: user.id, organizationId, ip: null, userAgent: "vitest", mfaVerified: true });
    for (let i = 0; i < 12; i++) {
      clock.advance(5 * MINUTE);
      await ctxFor(token);
    }
    await expect(ctxFor(token).then(requireRecentMfa)).rejects.toMatchObject({ code: "step_up_required" });
  });
});

describe("sensitive RBAC changes want a fresh second factor", () => {
  it("V7.5.3 V8.2.1 changing a member's role is refused without a recent factor and succeeds right after one", async () => {
    const clock = useFakeClock(new Date());
    const { owner, member, orgId } = await orgWithMember();
    const accountant = await roleIdOf(orgId, "accountant");
    const memberRole = await roleIdOf(orgId, "member");
    await makeTotpFactor(owner.user.id);
    const plain = await ctxFor((await makeSession(owner.user.id, orgId)).token);

    // Attacker's view: a stolen (or merely old) session of an admin cannot change roles.
    await expect(changeMemberRole(getDb(), plain, member.user.id, accountant)).rejects.toMatchObject({ code: "step_up_required", status: 403 });
    expect(await roleOf(member.user.id, orgId)).toBe(memberRole);

    // The owner verifies (step-up rotates the session id and records the time); the change now goes through.
    const { token } = await completeStepUp(plain);
    await changeMemberRole(getDb(), await ctxFor(token), member.user.id, accountant);
    expect(await roleOf(member.user.id, orgId)).toBe(accountant);

    // Some minutes later the same session is asked again.
    clock.advance(6 * MINUTE);
    await expect(changeMemberRole(getDb(), await ctxFor(token), member.user.id, memberRole)).rejects.toMatchObject({ code: "step_up_required" });
    expect(await roleOf(member.user.id, orgId)).toBe(accountant);
  });

  it("V7.5.3 an admin without a second factor is told to enrol before suspending anyone", async () => {
    const { owner, member, orgId } = await orgWithMember();
    const ctx = await ctxFor((await makeSession(owner.user.id, orgId)).token);
    await expect(suspendMember(getDb(), ctx, member.user.id)).rejects.toMatchObject({ code: "mfa_enrolment_required", status: 403 });
    const [row] = await getDb().select().from(memberships).where(and(eq(memberships.userId, member.user.id), eq(memberships.organizationId, orgId)));
    expect(row!.status).toBe("active");
  });

  it("V7.5.3 the form shows the way to verify: the role-change action answers mfa: step_up, then works after step-up", async () => {
    const { owner, member, orgId } = await orgWithMember();
    await makeTotpFactor(owner.user.id);
    const form = new FormData();
    form.set("userId", member.user.id);
    form.set("roleId", await roleIdOf(orgId, "viewer"));

    setRequestCookie("ck_session", (await makeSession(owner.user.id, orgId)).token);
    const refused = await changeMemberRoleAction(undefined, form);
    expect(refused).toMatchObject({ ok: false, mfa: "step_up" });
    expect(await roleOf(member.user.id, orgId)).toBe(await roleIdOf(orgId, "member"));

    setRequestCookie("ck_session", (await makeSteppedUpSession(owner.user.id, orgId)).token);
    expect(await changeMemberRoleAction(undefined, form)).toMatchObject({ ok: true });
    expect(await roleOf(member.user.id, orgId)).toBe(await roleIdOf(orgId, "viewer"));
  });

  it("V7.5.3 without any factor the form says to enrol (mfa: enrol)", async () => {
    const { owner, member, orgId } = await orgWithMember();
    const form = new FormData();
    form.set("userId", member.user.id);
    form.set("roleId", await roleIdOf(orgId, "viewer"));
    setRequestCookie("ck_session", (await makeSession(owner.user.id, orgId)).token);
    expect(await changeMemberRoleAction(undefined, form)).toMatchObject({ ok: false, mfa: "enrol" });
  });
});

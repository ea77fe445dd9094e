import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { saveMfaPolicyAction } from "@/app/(app)/settings/mfa-policy/actions";
import { getDb } from "@/db";
import { memberships, organizationMfaPolicies, organizationMfaRoles, totpFactors, webauthnCredentials } from "@/db/schema";
import { requirePageSession, requireSession, requireSessionFromRequest, validateSessionToken, type SessionContext } from "@/lib/auth";
import { useFakeClock } from "@/lib/clock";
import { seal } from "@/lib/crypto";
import type { RequestMeta } from "@/lib/http";
import { addGroupMember, saveGroup } from "@/lib/rbac";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser, roleIdOf, type BuiltInRole } from "@/tests/factories";
import { setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import * as hooks from "./events";
import { describeFactors, getMfaPolicy, memberMfaStatus, saveMfaPolicy, type MfaPolicyInput } from "./policy";
import { expectAudited } from "@/tests/audit";

const DAY = 86_400_000;
const MINUTE = 60_000;
const meta: RequestMeta = { ip: "203.0.113.9", userAgent: "vitest", requestId: "req-policy" };
const db = () => getDb();

async function ctxFor(token: string): Promise<SessionContext> {
  const ctx = await validateSessionToken(db(), token);
  if (!ctx) throw new Error("no session");
  return ctx;
}

/** The owner's session right after passing their second factor (changing the policy needs step-up). */
const ownerCtx = async (userId: string, orgId: string) => ctxFor((await makeSteppedUpSession(userId, orgId)).token);

async function org(...roles: BuiltInRole[]) {
  const owner = await makeUser();
  const members = [];
  for (const role of roles) members.push(await makeUser({ organizationId: owner.organizationId, role }));
  return { owner, members, orgId: owner.organizationId };
}

/** The gate, as a page / an action / a route would call it, for a session token. */
async function gate(token: string) {
  setRequestCookie("ck_session", token);
  setRequestHeaders({ "x-pathname": "/dashboard" });
  const page = await requirePageSession().then(
    () => "ok",
    (e: { digest?: string }) => (e.digest?.startsWith("NEXT_REDIRECT") ? `redirect:${e.digest.split(";")[2]}` : `error:${String(e)}`),
  );
  const action = await requireSession().then(
    () => "ok",
    (e: { code?: string }) => e.code ?? String(e),
  );
  const route = await requireSessionFromRequest(new Request("http://localhost:3000/api/me", { headers: { cookie: `ck_session=${token}` } })).then(
    () => "ok",
    (e: { code?: string }) => e.code ?? String(e),
  );
  const enrolment = await requirePageSession({ allowMustEnrol: true }).then(
    () => "ok",
    (e: { digest?: string }) => `redirect:${e.digest}`,
  );
  return { page, action, route, enrolment };
}

const OPEN = { page: "ok", action: "ok", route: "ok", enrolment: "ok" };
const ENROL_ONLY = { page: "redirect:/settings/security?enrol=required", action: "mfa_enrolment_required", route: "mfa_enrolment_required", enrolment: "ok" };

/** The fake clock starts a little after real time: rows stamped by the database default (joining) lie in its past. */
const soon = () => new Date(Date.now() + MINUTE);

async function setMemberSince(userId: string, orgId: string, at: Date) {
  await db().update(memberships).set({ createdAt: at }).where(and(eq(memberships.userId, userId), eq(memberships.organizationId, orgId)));
}

describe("saving the organization's MFA policy", () => {
  it("V6.3.3 the owner requires MFA for chosen roles; the policy and its roles are stored together", async () => {
    const { owner, orgId } = await org();
    const admin = await roleIdOf(orgId, "admin");
    const accountant = await roleIdOf(orgId, "accountant");
    const saved = await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "roles", graceDays: 3, roleIds: [admin, accountant] }, meta);
    expect(saved).toMatchObject({ policy: "roles", graceDays: 3 });
    const stored = await getMfaPolicy(db(), orgId);
    expect(stored).toMatchObject({ policy: "roles", graceDays: 3 });
    expect(stored.roleIds.sort()).toEqual([admin, accountant].sort());

    // Everyone: the chosen roles are not kept behind (the next "roles" choice starts clean).
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "all", graceDays: 7 }, meta);
    expect(await getMfaPolicy(db(), orgId)).toMatchObject({ policy: "all", graceDays: 7, roleIds: [] });
  });

  it("V16.3.3 every change is handed to the audit hook with the acting owner and organization", async () => {
    const { owner, orgId } = await org();
    const spy = vi.spyOn(hooks, "recordMfaEvent");
    try {
      await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "all", graceDays: 0 }, meta);
      expect(spy).toHaveBeenCalledWith(expect.anything(), { userId: owner.user.id, organizationId: orgId, meta }, { action: "mfa.policy_changed", policy: "all", graceDays: 0 });
      await expectAudited(db(), { action: "mfa.policy_changed", actorUserId: owner.user.id, organizationId: orgId, metadata: { policy: "all", graceDays: 0 } });
    } finally {
      spy.mockRestore();
    }
  });

  it("V8.2.1 only the owner (security:manage) may change it: an admin is refused and nothing changes", async () => {
    const { owner, members, orgId } = await org("admin");
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "all", graceDays: 7 }, meta);
    const adminCtx = await ctxFor((await makeSteppedUpSession(members[0]!.user.id, orgId)).token);
    await expect(saveMfaPolicy(db(), adminCtx, { policy: "off", graceDays: 7 }, meta)).rejects.toMatchObject({ status: 403, code: "forbidden" });
    expect((await getMfaPolicy(db(), orgId)).policy).toBe("all");
  });

  it("V7.5.3 changing the policy needs a fresh second factor; an owner without one is told to enrol", async () => {
    const clock = useFakeClock(soon());
    const { owner, orgId } = await org();
    const { token } = await makeSteppedUpSession(owner.user.id, orgId);
    clock.advance(6 * MINUTE);
    await expect(saveMfaPolicy(db(), await ctxFor(token), { policy: "all", graceDays: 7 }, meta)).rejects.toMatchObject({ code: "step_up_required", status: 403 });

    const other = await org();
    const plain = await ctxFor((await makeSession(other.owner.user.id, other.orgId)).token);
    await expect(saveMfaPolicy(db(), plain, { policy: "all", graceDays: 7 }, meta)).rejects.toMatchObject({ code: "mfa_enrolment_required" });
    expect((await getMfaPolicy(db(), orgId)).policy).toBe("off");
    expect((await getMfaPolicy(db(), other.orgId)).policy).toBe("off");
  });

  it("V2.2.1 bad input is a 422 naming the field: grace outside 0–90 days, an unknown policy, roles without any role", async () => {
    const { owner, orgId } = await org();
    const ctx = await ownerCtx(owner.user.id, orgId);
    const bad: [MfaPolicyInput, string][] = [
      [{ policy: "all", graceDays: 91 }, "graceDays"],
      [{ policy: "all", graceDays: -1 }, "graceDays"],
      [{ policy: "all", graceDays: 2.5 }, "graceDays"],
      [{ policy: "all", graceDays: "soon" as unknown as number }, "graceDays"],
      [{ policy: "sometimes" as "all", graceDays: 7 }, "policy"],
      [{ policy: "roles", graceDays: 7, roleIds: [] }, "roleIds"],
      [{ policy: "roles", graceDays: 7, roleIds: ["admin"] }, "roleIds.0"],
    ];
    for (const [input, field] of bad) {
      await expect(saveMfaPolicy(db(), ctx, input, meta), JSON.stringify(input)).rejects.toMatchObject({ status: 422, fieldErrors: { [field]: expect.any(String) } });
    }
    expect(await db().select().from(organizationMfaPolicies).where(eq(organizationMfaPolicies.organizationId, orgId))).toHaveLength(0);
  });

  it("V8.4.1 another organization's role reads as not found and the whole save rolls back", async () => {
    const a = await org();
    const b = await org();
    const ctx = await ownerCtx(a.owner.user.id, a.orgId);
    await saveMfaPolicy(db(), ctx, { policy: "roles", graceDays: 5, roleIds: [await roleIdOf(a.orgId, "admin")] }, meta);
    const foreign = await roleIdOf(b.orgId, "viewer");
    await expect(
      saveMfaPolicy(db(), ctx, { policy: "roles", graceDays: 1, roleIds: [await roleIdOf(a.orgId, "member"), foreign] }, meta),
    ).rejects.toMatchObject({ status: 404 });
    await expect(saveMfaPolicy(db(), ctx, { policy: "roles", graceDays: 1, roleIds: [randomUUID()] }, meta)).rejects.toMatchObject({ status: 404 });
    expect(await getMfaPolicy(db(), a.orgId)).toMatchObject({ policy: "roles", graceDays: 5, roleIds: [await roleIdOf(a.orgId, "admin")] });
    expect(await db().select().from(organizationMfaRoles).where(eq(organizationMfaRoles.roleId, foreign))).toHaveLength(0);
  });

  it("V8.4.1 the tenant comes from the session: an organization id in the input is ignored", async () => {
    const a = await org();
    const b = await org();
    const input = { policy: "all", graceDays: 0, organizationId: b.orgId } as MfaPolicyInput;
    await saveMfaPolicy(db(), await ownerCtx(a.owner.user.id, a.orgId), input, meta);
    expect((await getMfaPolicy(db(), a.orgId)).policy).toBe("all");
    expect((await getMfaPolicy(db(), b.orgId)).policy).toBe("off");
  });

  it("V6.3.3 the grace period restarts only when the policy becomes stricter, never on a plain re-save", async () => {
    const clock = useFakeClock(soon());
    const { owner, orgId } = await org();
    const r = async (key: string) => roleIdOf(orgId, key);
    const save = async (input: MfaPolicyInput) => {
      clock.advance(DAY);
      await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), input, meta);
      return { since: (await getMfaPolicy(db(), orgId)).since!.getTime(), at: clock.now().getTime() };
    };
    const first = await save({ policy: "roles", graceDays: 7, roleIds: [await r("member")] }); // off -> roles
    expect(first.since).toBe(first.at);
    expect((await save({ policy: "roles", graceDays: 7, roleIds: [await r("member")] })).since).toBe(first.since); // re-save
    expect((await save({ policy: "roles", graceDays: 3, roleIds: [await r("member")] })).since).toBe(first.since); // grace only
    expect((await save({ policy: "roles", graceDays: 3, roleIds: [await r("member"), await r("admin")] })).since).toBe(first.since); // admin was covered already (above member)
    const viewerAdded = await save({ policy: "roles", graceDays: 3, roleIds: [await r("member"), await r("viewer")] }); // viewer newly covered
    expect(viewerAdded.since).toBe(viewerAdded.at);
    expect((await save({ policy: "roles", graceDays: 3, roleIds: [await r("viewer")] })).since).toBe(viewerAdded.since); // same coverage
    const all = await save({ policy: "all", graceDays: 3 }); // roles -> all
    expect(all.since).toBe(all.at);
    expect((await save({ policy: "roles", graceDays: 3, roleIds: [await r("admin")] })).since).toBe(all.since); // looser
    expect((await save({ policy: "off", graceDays: 3 })).since).toBe(all.since); // off
    const again = await save({ policy: "all", graceDays: 3 }); // off -> all
    expect(again.since).toBe(again.at);
  });
});

describe("the settings page's form action", () => {
  it("V7.5.3 ticked roles arrive as the policy's roles; without a recent second factor the form offers to verify first", async () => {
    const { owner, orgId } = await org();
    await makeTotpFactor(owner.user.id);
    const accountant = await roleIdOf(orgId, "accountant");
    const form = new FormData();
    form.set("policy", "roles");
    form.set("graceDays", "3");
    form.set(`role:${accountant}`, "on");

    setRequestCookie("ck_session", (await makeSession(owner.user.id, orgId)).token);
    expect(await saveMfaPolicyAction(undefined, form)).toMatchObject({ ok: false, mfa: "step_up" });
    expect((await getMfaPolicy(db(), orgId)).policy).toBe("off");

    setRequestCookie("ck_session", (await makeSteppedUpSession(owner.user.id, orgId)).token);
    expect(await saveMfaPolicyAction(undefined, form)).toMatchObject({ ok: true });
    expect(await getMfaPolicy(db(), orgId)).toMatchObject({ policy: "roles", graceDays: 3, roleIds: [accountant] });

    form.set("graceDays", "");
    expect(await saveMfaPolicyAction(undefined, form)).toMatchObject({ ok: false, fieldErrors: { graceDays: expect.any(String) } });
    expect((await getMfaPolicy(db(), orgId)).graceDays).toBe(3);
  });
});

describe("enforcement after the grace period", () => {
  it("V6.3.3 a member without MFA works normally during the grace period, then reaches only enrolment; enrolling opens everything again", async () => {
    const clock = useFakeClock(soon());
    const { owner, members, orgId } = await org("member");
    const m = members[0]!;
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "all", graceDays: 7 }, meta);
    const policyAt = clock.now().getTime();

    clock.advance(7 * DAY - MINUTE);
    const during = (await makeSession(m.user.id, orgId)).token;
    expect(await gate(during)).toEqual(OPEN);
    const ctx = await ctxFor(during);
    expect(ctx.mfa).toMatchObject({ required: true, enrolled: false, mustEnrol: false });
    expect(ctx.mfa.enrolBy?.getTime()).toBe(policyAt + 7 * DAY);

    clock.advance(MINUTE);
    const after = (await makeSession(m.user.id, orgId)).token;
    expect(await gate(after)).toEqual(ENROL_ONLY);
    // the live session from before the deadline is held back the same way
    expect(await gate(during)).toEqual(ENROL_ONLY);

    await makeTotpFactor(m.user.id);
    expect(await gate(after)).toEqual(OPEN);
  });

  it("V6.3.3 with 0 grace days the deadline is immediate, and turning the policy off lifts it", async () => {
    useFakeClock(soon());
    const { owner, members, orgId } = await org("viewer");
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "all", graceDays: 0 }, meta);
    const token = (await makeSession(members[0]!.user.id, orgId)).token;
    expect(await gate(token)).toEqual(ENROL_ONLY);
    // the owner, enrolled, is not held back
    expect(await gate((await makeSession(owner.user.id, orgId)).token)).toEqual(OPEN);
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "off", graceDays: 0 }, meta);
    expect(await gate(token)).toEqual(OPEN);
  });

  it("V6.3.3 a role-scoped policy covers the chosen role and every role above it, not the roles below", async () => {
    useFakeClock(soon());
    const { owner, members, orgId } = await org("admin", "accountant", "member", "viewer");
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "roles", graceDays: 0, roleIds: [await roleIdOf(orgId, "accountant")] }, meta);
    const [admin, accountant, member, viewer] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0], (typeof members)[0]];
    expect(await gate((await makeSession(admin.user.id, orgId)).token)).toEqual(ENROL_ONLY);
    expect(await gate((await makeSession(accountant.user.id, orgId)).token)).toEqual(ENROL_ONLY);
    expect(await gate((await makeSession(member.user.id, orgId)).token)).toEqual(OPEN);
    expect(await gate((await makeSession(viewer.user.id, orgId)).token)).toEqual(OPEN);
    const ownerState = (await ctxFor((await makeSession(owner.user.id, orgId)).token)).mfa;
    expect(ownerState).toMatchObject({ required: true, enrolled: true, mustEnrol: false });

    // The members page reads the same answer as the gate.
    const status = new Map((await memberMfaStatus(db(), orgId)).map((s) => [s.userId, s]));
    expect([owner, admin, accountant, member, viewer].map((u) => status.get(u.user.id)?.required)).toEqual([true, true, true, false, false]);
    expect([admin, accountant, member].map((u) => status.get(u.user.id)?.overdue)).toEqual([true, true, false]);
  });

  it("V6.3.3 a role held through a group counts: a Viewer in a group carrying Admin is covered by an Admin policy", async () => {
    useFakeClock(soon());
    const { owner, members, orgId } = await org("viewer");
    const ctx = await ownerCtx(owner.user.id, orgId);
    const groupId = await saveGroup(db(), ctx, { name: "Ops", roleIds: [await roleIdOf(orgId, "admin")] });
    await addGroupMember(db(), ctx, groupId, members[0]!.user.id);
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "roles", graceDays: 0, roleIds: [await roleIdOf(orgId, "admin")] }, meta);
    expect(await gate((await makeSession(members[0]!.user.id, orgId)).token)).toEqual(ENROL_ONLY);
    expect((await memberMfaStatus(db(), orgId, { userIds: [members[0]!.user.id] }))[0]).toMatchObject({ required: true, overdue: true });
  });

  it("V6.3.3 someone who joins after the policy started gets their own grace period from the day they joined", async () => {
    const clock = useFakeClock(soon());
    const { owner, members, orgId } = await org("member");
    await saveMfaPolicy(db(), await ownerCtx(owner.user.id, orgId), { policy: "all", graceDays: 7 }, meta);

    clock.advance(10 * DAY);
    const newcomer = await makeUser({ organizationId: orgId, role: "member" });
    await setMemberSince(newcomer.user.id, orgId, clock.now());
    expect(await gate((await makeSession(members[0]!.user.id, orgId)).token)).toEqual(ENROL_ONLY);
    expect(await gate((await makeSession(newcomer.user.id, orgId)).token)).toEqual(OPEN);
    const [status] = await memberMfaStatus(db(), orgId, { userIds: [newcomer.user.id] });
    expect(status!.enrolBy!.getTime()).toBe(clock.now().getTime() + 7 * DAY);

    clock.advance(7 * DAY);
    expect(await gate((await makeSession(newcomer.user.id, orgId)).token)).toEqual(ENROL_ONLY);
  });
});

describe("memberMfaStatus: the member list's MFA column", () => {
  it("V6.3.3 lists every member of the organization with their factors, and nobody else's", async () => {
    useFakeClock(soon());
    const { owner, members, orgId } = await org("member", "viewer");
    const stranger = await makeUser();
    await makeTotpFactor(owner.user.id);
    const keyUser = members[0]!.user.id;
    const key = (discoverable: boolean) => ({
      userId: keyUser,
      credentialId: randomUUID(),
      publicKey: "pk",
      deviceType: "singleDevice",
      discoverable,
      name: discoverable ? "Phone" : "YubiKey",
    });
    await db().insert(webauthnCredentials).values([key(false), key(false), key(true)]);
    // An authenticator app set up but never confirmed with a first code is not a factor.
    const pendingId = randomUUID();
    await db()
      .insert(totpFactors)
      .values({ id: pendingId, userId: members[1]!.user.id, secret: seal("JBSWY3DPEHPK3PXP", { table: "totp_factors", column: "secret", rowId: pendingId }) });

    const all = await memberMfaStatus(db(), orgId);
    expect(all.map((s) => s.userId).sort()).toEqual([owner.user.id, keyUser, members[1]!.user.id].sort());
    const by = new Map(all.map((s) => [s.userId, s]));
    expect(describeFactors(by.get(owner.user.id)!)).toBe("Authenticator app");
    expect(describeFactors(by.get(keyUser)!)).toBe("2 security keys, 1 passkey");
    expect(describeFactors(by.get(members[1]!.user.id)!)).toBe("None");
    expect(by.get(keyUser)).toMatchObject({ enrolled: true, required: false, enrolBy: null, overdue: false, roleName: "Member", email: members[0]!.email });
    expect(by.get(members[1]!.user.id)).toMatchObject({ enrolled: false, required: false });

    // Asking for another organization's user by id gives nothing.
    expect(await memberMfaStatus(db(), orgId, { userIds: [stranger.user.id] })).toEqual([]);
    expect(await memberMfaStatus(db(), orgId, { userIds: [] })).toEqual([]);
  });
});

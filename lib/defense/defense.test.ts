import { randomInt, randomUUID } from "node:crypto";
import { and, count, eq, isNull } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { accountDefense, auditEvents, authFailures, firewallRules, ipBlocks, sessions } from "@/db/schema";
import { signIn, validateSessionToken, type SignInResult } from "@/lib/auth";
import { useFakeClock } from "@/lib/clock";
import { countMfaFailure } from "@/lib/mfa/events";
import { isRateLimitedError, resetRateLimitsForTests } from "@/lib/ratelimit";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser } from "@/tests/factories";
import { lastLinkTo, mailsTo } from "@/tests/outbox";
import { adminUnlockAccount, listBlockedIps, listDefendedMembers } from "./admin";
import { INVALID_UNLOCK_LINK, lockedMessage, SUSPENDED_MESSAGE } from "./messages";
import { pruneAuthFailures } from "./prune";
import { recordAuthFailure } from "./record-failure";
import { accountStatus } from "./status";
import { lockWaitMs } from "./thresholds";
import { requestUnlockLink, unlockWithToken } from "./unlock";

const db = () => getDb();
/** A fresh address per test: failures are counted in the database, which tests share. */
const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const metaFor = (ip: string | null) => ({ ip, userAgent: "attack-test", requestId: randomUUID() });
const NEW_PASSWORD = "a brand new passphrase 2026";

async function stateOf(userId: string) {
  const [row] = await db().select().from(accountDefense).where(eq(accountDefense.userId, userId));
  return row;
}

async function countEvents(action: "defense.account_locked" | "defense.account_suspended" | "defense.ip_blocked", targetId: string) {
  const [row] = await db()
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId), isNull(auditEvents.organizationId)));
  return row!.n;
}

/**
 * The memory store, whatever the run's REDIS_URL: these scenarios move lib/clock through hours of
 * waits, which only the memory store follows (lib/ratelimit's own tests exercise Redis).
 */
function useMemoryRateLimits() {
  vi.stubEnv("REDIS_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "");
  resetEnvCache();
  resetRateLimitsForTests();
}

describe("brute-force defense", () => {
  beforeEach(useMemoryRateLimits);

  it("V6.3.1 V16.3.1 guess until locked, wait, guess until suspended, unlock by e-mail link (replay refused)", async () => {
    const clock = useFakeClock(new Date());
    const { user, email, password, organizationId } = await makeUser();
    const { token: liveSession } = await makeSession(user.id, organizationId);
    const ip = randomIp();
    const attempt = (pw: string) => signIn(db(), { email, password: pw, ip, userAgent: "attacker" });

    for (let i = 1; i <= 5; i++) expect(await attempt(`wrong guess ${i}`)).toMatchObject({ ok: false, code: "invalid_credentials" });
    await expectAudited(db(), { action: "auth.sign_in_failed", organizationId, targetId: user.id, result: "failure", metadata: { reason: "wrong_password" } });

    // Locked: a wrong and a RIGHT password get the very same answer, so guessing on learns nothing.
    const lockedWrong = await attempt("wrong guess 6");
    const lockedRight = await attempt(password);
    expect(lockedWrong).toEqual({ ok: false, code: "account_locked", message: lockedMessage(1), retryAfterSeconds: 60 });
    expect(lockedRight).toEqual(lockedWrong);
    expect((await stateOf(user.id))?.consecutiveFailures).toBe(5); // refused attempts were never checked
    await expectAudited(db(), { action: "auth.sign_in_failed", organizationId, targetId: user.id, metadata: { reason: "account_locked" } });
    expect(await countEvents("defense.account_locked", user.id)).toBe(1); // the platform chain...
    await expectAudited(db(), { action: "defense.account_locked", organizationId, targetId: user.id, metadata: { lockLevel: 1 } }); // ...and the organization's
    expect(await validateSessionToken(db(), liveSession)).not.toBeNull(); // a lock alone ends no session

    // Each failure after a lock locks again, twice as long, capped at 15 minutes; the 20th in 24 h suspends.
    let failures = 5;
    while (failures < 19) {
      clock.advance(16 * 60_000); // past any lock (and the per-account rate limit's window)
      expect(await attempt(`wrong guess ${failures + 1}`)).toMatchObject({ code: "invalid_credentials" });
      failures++;
      const level = failures - 4;
      expect(await attempt(password)).toMatchObject({ code: "account_locked", message: lockedMessage(lockWaitMs(level) / 60_000) });
    }
    expect(lockWaitMs(5)).toBe(15 * 60_000);

    clock.advance(16 * 60_000);
    const { token: liveSession2 } = await makeSession(user.id, organizationId);
    expect(await attempt("wrong guess 20")).toMatchObject({ code: "invalid_credentials" });
    expect(await attempt(password)).toEqual({ ok: false, code: "account_suspended", message: SUSPENDED_MESSAGE });
    expect(await attempt("wrong again")).toEqual({ ok: false, code: "account_suspended", message: SUSPENDED_MESSAGE });
    clock.advance(60 * 60_000); // suspension does not end by itself
    expect(await attempt(password)).toMatchObject({ code: "account_suspended" });
    expect(await validateSessionToken(db(), liveSession2)).toBeNull(); // every session ended
    expect(await countEvents("defense.account_suspended", user.id)).toBe(1);
    await expectAudited(db(), { action: "defense.account_suspended", organizationId, targetId: user.id, metadata: { failures: 20 } });
    await expectAudited(db(), { action: "auth.sign_in_failed", organizationId, targetId: user.id, metadata: { reason: "account_suspended" } });

    // The mailed link expires (24 hours); the user asks for a new one, proves the mailbox and chooses a new password.
    clock.advance(24 * 60 * 60_000);
    const meta = metaFor("192.0.2.10");
    const expired = lastLinkTo(email, "/unlock");
    await expect(unlockWithToken(db(), { token: expired, password: NEW_PASSWORD, meta })).rejects.toThrow(INVALID_UNLOCK_LINK);
    await requestUnlockLink(db(), email);
    const token = lastLinkTo(email, "/unlock");
    expect(token).not.toBe(expired);
    await expect(unlockWithToken(db(), { token, password: "short", meta })).rejects.toMatchObject({ status: 400 }); // link survives a bad password
    await unlockWithToken(db(), { token, password: NEW_PASSWORD, meta });
    await expect(unlockWithToken(db(), { token, password: "another passphrase 2027", meta })).rejects.toThrow(INVALID_UNLOCK_LINK);
    await expectAudited(db(), { action: "defense.account_unlocked", organizationId, actorUserId: user.id, targetId: user.id, metadata: { via: "email_link", wasSuspended: true } });
    expect(await accountStatus(db(), user.id)).toEqual({ state: "ok" });

    expect(await attempt(password)).toMatchObject({ code: "invalid_credentials" }); // the old password is gone
    const back = await attempt(NEW_PASSWORD);
    expect(back).toMatchObject({ ok: true, mfaRequired: false });
    await expectAudited(db(), { action: "auth.sign_in", organizationId, actorUserId: user.id, result: "success" });
    expect((await stateOf(user.id))?.consecutiveFailures).toBe(0);
  }, 120_000); // hundreds of argon2 verifications on a shared CPU

  it("V6.3.8 V6.3.1 the lock-out does not reveal which addresses have accounts: an unknown address gets the same answers", async () => {
    const clock = useFakeClock(new Date());
    const { email } = await makeUser();
    const nobody = `nobody-${randomUUID()}@example.test`;
    const run = async (address: string) => {
      const answers: unknown[] = [];
      const ip = randomIp();
      for (let i = 1; i <= 7; i++) answers.push(await signIn(db(), { email: address, password: `wrong guess ${i}`, ip, userAgent: "prober" }));
      clock.advance(61_000); // the first lock (1 minute) is over: the next failure locks for 2
      answers.push(await signIn(db(), { email: address, password: "wrong guess 8", ip, userAgent: "prober" }));
      answers.push(await signIn(db(), { email: address, password: "wrong guess 9", ip, userAgent: "prober" }));
      return answers;
    };
    const known = await run(email);
    const unknown = await run(nobody);
    expect(known.map((a) => (a as { code: string }).code)).toEqual([
      ...Array(5).fill("invalid_credentials"),
      "account_locked",
      "account_locked",
      "invalid_credentials",
      "account_locked",
    ]);
    expect(unknown).toEqual(known);
    expect((known[8] as { retryAfterSeconds: number }).retryAfterSeconds).toBe(120);
  });

  it("V6.3.1 V2.4.1 credential stuffing: one address, 200 accounts ends with the address blocked and no account compromised", async () => {
    const clock = useFakeClock(new Date());
    const ip = randomIp();
    const known: Awaited<ReturnType<typeof makeUser>>[] = [];
    for (let i = 0; i < 10; i++) known.push(await makeUser());
    const targets = Array.from({ length: 200 }, (_, i) =>
      i % 20 === 0 ? { email: known[i / 20]!.email, password: "Summer2024!" } : { email: `stuffed-${randomUUID()}@example.test`, password: "Password123!" },
    );
    const tally: Record<string, number> = {};
    const results: SignInResult[] = [];
    for (const t of targets) {
      // A patient attacker: wait out every rate limit and go on.
      for (;;) {
        try {
          const r = await signIn(db(), { ...t, ip, userAgent: "stuffer" });
          results.push(r);
          tally[r.ok ? "ok" : r.code] = (tally[r.ok ? "ok" : r.code] ?? 0) + 1;
          break;
        } catch (e) {
          if (!isRateLimitedError(e)) throw e;
          tally.rate_limited = (tally.rate_limited ?? 0) + 1;
          clock.advance(e.retryAfterSeconds * 1000);
        }
      }
    }
    expect(results.filter((r) => r.ok)).toHaveLength(0);
    expect(tally.invalid_credentials).toBe(51); // more than 50 failures in the hour blocks the address
    expect(tally.network_blocked).toBe(149);
    expect(tally.rate_limited).toBeGreaterThan(0); // the per-address limit slowed it down first

    const [block] = await db().select().from(ipBlocks).where(eq(ipBlocks.ip, ip));
    expect(block).toMatchObject({ blocks: 1 });
    expect(block!.blockedUntil.getTime() - block!.lastBlockedAt.getTime()).toBe(60 * 60_000);
    if (block!.firewallRuleId) {
      // lib/firewall implemented: the edge deny rule exists and expires with the block.
      const [rule] = await db().select().from(firewallRules).where(eq(firewallRules.id, block!.firewallRuleId));
      expect(rule).toMatchObject({ scope: "global", action: "deny", cidr: `${ip}/32` });
    }
    await expectAudited(db(), { action: "defense.ip_blocked", organizationId: null, targetId: ip, metadata: { blocks: 1 } });
    const unknownEmail = await db()
      .select({ org: auditEvents.organizationId, actor: auditEvents.actorUserId, metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.sign_in_failed"), eq(auditEvents.ip, ip)));
    const reasons = (r: string) => unknownEmail.filter((e) => (e.metadata as { reason?: string }).reason === r);
    // Of the first 51 tries, 3 named known accounts (every 20th): 48 unknown e-mails, platform chain, no actor.
    expect(reasons("unknown_email")).toHaveLength(48);
    expect(reasons("unknown_email").every((e) => e.org === null && e.actor === null)).toBe(true);
    expect(reasons("wrong_password")).toHaveLength(3);
    expect(reasons("network_blocked")).toHaveLength(149);

    // Even the right password from the blocked address gets nowhere, and no victim was locked out by it.
    const victim = known[0]!;
    expect(await signIn(db(), { email: victim.email, password: victim.password, ip, userAgent: "stuffer" })).toMatchObject({ code: "network_blocked" });
    expect(await accountStatus(db(), victim.user.id)).toEqual({ state: "ok" });
    expect(await signIn(db(), { email: victim.email, password: victim.password, ip: randomIp(), userAgent: "owner" })).toMatchObject({ ok: true });

    // A repeat offender waits twice as long.
    clock.advance(61 * 60_000);
    for (let i = 0; i < 51; i++) {
      if (i % 15 === 0) resetRateLimitsForTests();
      await signIn(db(), { email: `again-${randomUUID()}@example.test`, password: "x", ip, userAgent: "stuffer" });
    }
    const [again] = await db().select().from(ipBlocks).where(eq(ipBlocks.ip, ip));
    expect(again).toMatchObject({ blocks: 2 });
    expect(again!.blockedUntil.getTime() - again!.lastBlockedAt.getTime()).toBe(2 * 60 * 60_000);
  }, 120_000); // hundreds of argon2 verifications on a shared CPU

  it("V15.4.1 V6.3.1 parallel failures count exactly: one suspension, one lock per failure past the threshold", async () => {
    const { user } = await makeUser();
    const meta = metaFor(randomIp());
    await Promise.all(Array.from({ length: 4 }, () => recordAuthFailure(db(), { userId: user.id, kind: "password", meta })));
    expect(await stateOf(user.id)).toMatchObject({ consecutiveFailures: 4, lockLevel: 0, lockedUntil: null });
    await Promise.all(Array.from({ length: 16 }, () => recordAuthFailure(db(), { userId: user.id, kind: "totp", meta })));
    expect(await stateOf(user.id)).toMatchObject({ consecutiveFailures: 20 });
    expect((await stateOf(user.id))?.suspendedAt).not.toBeNull();
    expect(await countEvents("defense.account_locked", user.id)).toBe(15); // failures 5..19
    expect(await countEvents("defense.account_suspended", user.id)).toBe(1);
    expect(mailsTo(user.email).filter((m) => m.text.includes("/unlock?token="))).toHaveLength(1);
  });

  it("V15.4.1 V6.3.1 parallel failures from one address across accounts add exactly one block (IPv6 too)", async () => {
    const ip = `2001:db8:${randomInt(65536).toString(16)}::${randomInt(1, 65536).toString(16)}`;
    const meta = metaFor(ip);
    await Promise.all(Array.from({ length: 60 }, () => recordAuthFailure(db(), { userId: null, kind: "password", meta })));
    const [block] = await db().select().from(ipBlocks).where(eq(ipBlocks.ip, ip));
    expect(block).toMatchObject({ blocks: 1 });
    expect(await countEvents("defense.ip_blocked", ip)).toBe(1);
    const [row] = await db().select({ n: count() }).from(authFailures).where(eq(authFailures.ip, ip));
    expect(row!.n).toBe(60);
    if (block!.firewallRuleId) {
      const [rule] = await db().select().from(firewallRules).where(eq(firewallRules.id, block!.firewallRuleId));
      expect(rule?.cidr).toBe(`${ip}/128`);
    }
  });

  it("V6.3.1 a successful sign-in resets the consecutive count (not the 24-hour window)", async () => {
    const { user, email, password } = await makeUser();
    const ip = randomIp();
    for (let i = 0; i < 4; i++) await signIn(db(), { email, password: `nope ${i}`, ip, userAgent: "u" });
    expect((await stateOf(user.id))?.consecutiveFailures).toBe(4);
    expect(await signIn(db(), { email, password, ip, userAgent: "u" })).toMatchObject({ ok: true });
    expect((await stateOf(user.id))?.consecutiveFailures).toBe(0);
    for (let i = 0; i < 4; i++) await signIn(db(), { email, password: `nope again ${i}`, ip, userAgent: "u" });
    expect(await accountStatus(db(), user.id)).toEqual({ state: "ok" }); // 8 failures, but never 5 in a row
    const [row] = await db().select({ n: count() }).from(authFailures).where(eq(authFailures.userId, user.id));
    expect(row!.n).toBe(8);
  });

  it("V6.3.1 wrong second factors count too: they lock the password step, and suspension ends the MFA-pending session", async () => {
    const { user, email, password, organizationId } = await makeUser();
    const pending = await createPending(user.id, organizationId);
    const ctx = { userId: user.id, organizationId, meta: metaFor(randomIp()) };
    for (let i = 0; i < 2; i++) await countMfaFailure(db(), ctx, "totp");
    await countMfaFailure(db(), ctx, "webauthn");
    await countMfaFailure(db(), ctx, "passkey");
    await countMfaFailure(db(), ctx, "recovery_code");
    expect(await accountStatus(db(), user.id)).toMatchObject({ state: "locked" });
    expect(await signIn(db(), { email, password, ip: randomIp(), userAgent: "u" })).toMatchObject({ code: "account_locked" });
    const kinds = await db().select({ kind: authFailures.kind }).from(authFailures).where(eq(authFailures.userId, user.id));
    expect(kinds.map((k) => k.kind).sort()).toEqual(["recovery_code", "totp", "totp", "webauthn", "webauthn"]);
    expect(await validateSessionToken(db(), pending, "mfa_pending")).not.toBeNull(); // its own rate limits still apply
    for (let i = 5; i < 20; i++) await countMfaFailure(db(), ctx, "totp");
    expect(await accountStatus(db(), user.id)).toMatchObject({ state: "suspended" });
    expect(await validateSessionToken(db(), pending, "mfa_pending")).toBeNull();
  });

  it("V6.3.1 the JSON sign-in answers a locked account 423 and a suspended one 403, the same for the right password", async () => {
    const { POST } = await import("@/app/api/auth/sign-in/route");
    const { user, email, password } = await makeUser();
    const post = (pw: string) =>
      POST(new Request("http://localhost:3000/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: pw }) }));
    const meta = metaFor(randomIp());
    for (let i = 0; i < 5; i++) await recordAuthFailure(db(), { userId: user.id, kind: "password", meta });
    const locked = await post(password);
    expect(locked.status).toBe(423);
    expect(await locked.json()).toEqual({ error: { code: "account_locked", message: lockedMessage(1) } });
    for (let i = 5; i < 20; i++) await recordAuthFailure(db(), { userId: user.id, kind: "password", meta });
    const suspended = await post(password);
    expect(suspended.status).toBe(403);
    expect(await suspended.json()).toEqual({ error: { code: "account_suspended", message: SUSPENDED_MESSAGE } });
  });

  it("V6.3.1 failures too old to count are pruned", async () => {
    const { user } = await makeUser();
    await db().insert(authFailures).values({ userId: user.id, ip: randomIp(), kind: "password", createdAt: new Date(Date.now() - 49 * 60 * 60_000) });
    await db().insert(authFailures).values({ userId: user.id, ip: randomIp(), kind: "password" });
    expect(await pruneAuthFailures(db())).toBeGreaterThanOrEqual(1);
    const left = await db().select({ createdAt: authFailures.createdAt }).from(authFailures).where(eq(authFailures.userId, user.id));
    expect(left).toHaveLength(1);
  });

  it("V6.4.3 a new unlock link is mailed only to a locked or suspended account, with the same answer for everyone", async () => {
    const { user, email } = await makeUser();
    await requestUnlockLink(db(), email);
    await requestUnlockLink(db(), `nobody-${randomUUID()}@example.test`);
    expect(mailsTo(email)).toHaveLength(0);
    await db().insert(accountDefense).values({ userId: user.id, suspendedAt: new Date() });
    await requestUnlockLink(db(), email);
    expect(lastLinkTo(email, "/unlock")).toMatch(/.{20,}/);
  });
});

describe("admin unlock", () => {
  beforeEach(useMemoryRateLimits);

  async function suspendedMember(organizationId: string) {
    const member = await makeUser({ organizationId, role: "member" });
    const meta = metaFor(randomIp());
    for (let i = 0; i < 20; i++) await recordAuthFailure(db(), { userId: member.user.id, kind: "password", meta });
    return member;
  }

  it("V6.3.1 V8.2.1 an admin with a recent second factor unlocks a member; the defense page lists locks", async () => {
    const admin = await makeUser({ role: "admin" });
    const member = await suspendedMember(admin.organizationId);
    const { token } = await makeSteppedUpSession(admin.user.id, admin.organizationId);
    const ctx = (await validateSessionToken(db(), token))!;
    expect((await listDefendedMembers(db(), ctx)).map((m) => m.userId)).toEqual([member.user.id]);
    expect(await listBlockedIps(db(), ctx)).toBeNull(); // addresses are the operators' business

    await adminUnlockAccount(db(), ctx, member.user.id, metaFor("192.0.2.50"));
    expect(await accountStatus(db(), member.user.id)).toEqual({ state: "ok" });
    await expectAudited(db(), {
      action: "defense.account_unlocked",
      organizationId: admin.organizationId,
      actorUserId: admin.user.id,
      targetId: member.user.id,
      metadata: { via: "admin", wasSuspended: true },
    });
    expect(await signIn(db(), { email: member.email, password: member.password, ip: randomIp(), userAgent: "u" })).toMatchObject({ ok: true });
    // Nothing left to unlock.
    await expect(adminUnlockAccount(db(), ctx, member.user.id, null)).rejects.toMatchObject({ status: 400 });
  });

  it("V8.2.2 V6.3.1 unlock is refused without step-up, without members:manage, and for another organization's member", async () => {
    const admin = await makeUser({ role: "admin" });
    await makeTotpFactor(admin.user.id);
    const member = await suspendedMember(admin.organizationId);
    const plain = (await validateSessionToken(db(), (await makeSession(admin.user.id, admin.organizationId)).token))!;
    await expect(adminUnlockAccount(db(), plain, member.user.id, null)).rejects.toMatchObject({ code: "step_up_required" });

    const viewer = await makeUser({ organizationId: admin.organizationId, role: "viewer" });
    const viewerCtx = (await validateSessionToken(db(), (await makeSteppedUpSession(viewer.user.id, admin.organizationId)).token))!;
    await expect(adminUnlockAccount(db(), viewerCtx, member.user.id, null)).rejects.toMatchObject({ status: 403 });

    const outsider = await makeUser({ role: "owner" });
    const outsiderCtx = (await validateSessionToken(db(), (await makeSteppedUpSession(outsider.user.id, outsider.organizationId)).token))!;
    await expect(adminUnlockAccount(db(), outsiderCtx, member.user.id, null)).rejects.toMatchObject({ status: 404 });
    expect(await accountStatus(db(), member.user.id)).toMatchObject({ state: "suspended" });
  });
});

async function createPending(userId: string, organizationId: string): Promise<string> {
  const { createSession } = await import("@/lib/credentials");
  const { token } = await createSession(db(), { userId, organizationId, ip: null, userAgent: "u", stage: "mfa_pending" });
  const [row] = await db().select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), eq(sessions.mfaPending, true)));
  expect(row).toBeDefined();
  return token;
}

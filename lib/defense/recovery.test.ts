import { randomInt, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { unlockAccountWithLinkAction } from "@/app/(auth)/unlock/actions";
import { signInAction } from "@/app/(auth)/sign-in/actions";
import { getDb } from "@/db";
import { signIn, validateSessionToken } from "@/lib/auth";
import { useFakeClock } from "@/lib/clock";
import { resetEnvCache } from "@/lib/env";
import { isRateLimitedError, resetRateLimitsForTests, type RateLimitedError } from "@/lib/ratelimit";
import { expectAudited } from "@/tests/audit";
import { makeTotpFactor, makeUser } from "@/tests/factories";
import { mailsTo } from "@/tests/outbox";
import { cookieJar, resetRequestContext } from "@/tests/request-context";
import { recordAuthFailure } from "./record-failure";
import { INVALID_UNLOCK_LINK, lockedMessage } from "./messages";
import { accountStatus } from "./status";

const db = () => getDb();
const NEW_PASSWORD = "a brand new passphrase 2026";
/** A botnet: every guess from another address, so only the per-account limit holds it back. */
const botIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const ACCOUNT_LIMIT = /^Too many sign-in attempts for this account\. Wait \d+ minutes? and try again\.$/;

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

/** The newest unlock link in the owner's mailbox (security alerts about the attack arrive there too). */
function unlockLinkFor(email: string): string {
  const links = mailsTo(email).flatMap((m) => [...m.text.matchAll(/https?:\/\/\S+\/unlock\?token=(\S+)/g)].map((x) => decodeURIComponent(x[1]!)));
  if (!links.length) throw new Error(`no /unlock link mailed to ${email}`);
  return links.at(-1)!;
}

async function redirectOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const digest = (e as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2]!;
    throw e;
  }
  throw new Error("expected a redirect");
}

async function rateLimited(p: Promise<unknown>): Promise<RateLimitedError> {
  const e = await p.then(
    (v) => new Error(`expected a rate-limit refusal, got ${JSON.stringify(v)}`),
    (err: unknown) => err,
  );
  if (!isRateLimitedError(e)) throw e;
  return e;
}

/** Counting in process memory whatever REDIS_URL says: these scenarios move lib/clock through the windows. */
function useMemoryRateLimits() {
  vi.stubEnv("REDIS_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "");
  resetEnvCache();
  resetRateLimitsForTests();
}

/**
 * A patient attacker guesses from ever new addresses until the account is suspended, then goes on
 * until the per-account sign-in limit is full: the state the rightful owner finds.
 */
async function attackUntilSuspendedAndThrottled(email: string, clock: ReturnType<typeof useFakeClock>): Promise<void> {
  for (let guess = 1; ; guess++) {
    try {
      const r = await signIn(db(), { email, password: `attacker guess ${guess}`, ip: botIp(), userAgent: "attacker" });
      if (!r.ok && r.code === "account_suspended") break;
    } catch (e) {
      if (!isRateLimitedError(e)) throw e;
      clock.advance(e.retryAfterSeconds * 1000); // wait the limit out and go on
    }
  }
  for (;;) {
    try {
      await signIn(db(), { email, password: "attacker keeps going", ip: botIp(), userAgent: "attacker" });
    } catch (e) {
      if (isRateLimitedError(e)) return;
      throw e;
    }
  }
}

describe("recovery after an attack: the e-mailed unlock signs the owner in at once", () => {
  beforeEach(useMemoryRateLimits);

  it("V6.3.1 V6.4.3 V7.2.4 the owner gets in from the unlock link while the attacker, without it, is still refused; the link cannot be replayed", async () => {
    const clock = useFakeClock(new Date());
    const owner = await makeUser();
    await attackUntilSuspendedAndThrottled(owner.email, clock);
    expect(await accountStatus(db(), owner.user.id)).toMatchObject({ state: "suspended" });
    clock.advance(2 * 60_000); // the owner reads the mail a little later: the limit is still full
    // Before the fix, this is all the owner got, even after unlocking: "wait 13 minutes".
    expect((await rateLimited(signIn(db(), { email: owner.email, password: owner.password, ip: "198.51.100.7", userAgent: "owner" }))).message).toMatch(ACCOUNT_LIMIT);

    // The owner's browser: the mailed link, a new password, and straight in.
    const link = unlockLinkFor(owner.email);
    resetRequestContext();
    const to = await redirectOf(unlockAccountWithLinkAction(undefined, form({ token: link, password: NEW_PASSWORD })));
    expect(to).toBe("/dashboard");
    const ownerCookie = cookieJar().get("ck_session");
    const ctx = await validateSessionToken(db(), ownerCookie!.value);
    expect(ctx?.user.id).toBe(owner.user.id);
    expect(ctx?.organization.id).toBe(owner.organizationId);
    expect(await accountStatus(db(), owner.user.id)).toEqual({ state: "ok" });
    await expectAudited(db(), { action: "defense.account_unlocked", actorUserId: owner.user.id, targetId: owner.user.id, metadata: { via: "email_link", wasSuspended: true } });
    await expectAudited(db(), { action: "auth.sign_in", organizationId: owner.organizationId, actorUserId: owner.user.id, result: "success", metadata: { method: "unlock_link" } });

    // The attacker, in another browser without that session, is still held by the per-account
    // limit: with the old password, and even with the new one.
    resetRequestContext();
    for (const password of [owner.password, NEW_PASSWORD]) {
      expect((await rateLimited(signIn(db(), { email: owner.email, password, ip: botIp(), userAgent: "attacker" }))).message).toMatch(ACCOUNT_LIMIT);
      const viaForm = await signInAction(undefined, form({ email: owner.email, password }));
      expect(viaForm).toMatchObject({ ok: false, message: expect.stringMatching(ACCOUNT_LIMIT) });
    }
    expect(cookieJar().has("ck_session")).toBe(false);

    // The unlock works once: replayed (by anyone, with any password) it signs nobody in.
    for (const password of [NEW_PASSWORD, "the attacker's own passphrase 2026"]) {
      resetRequestContext();
      expect(await unlockAccountWithLinkAction(undefined, form({ token: link, password }))).toMatchObject({ ok: false, message: INVALID_UNLOCK_LINK });
      expect(cookieJar().size).toBe(0);
    }
    expect(await validateSessionToken(db(), ownerCookie!.value)).not.toBeNull(); // the owner's session is untouched
  }, 120_000); // dozens of argon2 verifications on a shared CPU

  it("V6.3.1 V6.4.3 an owner with a second factor is taken to it, not past it", async () => {
    const clock = useFakeClock(new Date());
    const owner = await makeUser();
    await makeTotpFactor(owner.user.id);
    await attackUntilSuspendedAndThrottled(owner.email, clock);

    resetRequestContext();
    const to = await redirectOf(unlockAccountWithLinkAction(undefined, form({ token: unlockLinkFor(owner.email), password: NEW_PASSWORD })));
    expect(to).toBe("/mfa/verify?next=%2Fdashboard");
    expect(cookieJar().has("ck_session")).toBe(false);
    const pending = cookieJar().get("ck_mfa")!.value;
    expect(await validateSessionToken(db(), pending, "mfa_pending")).toMatchObject({ user: { id: owner.user.id } });
    expect(await validateSessionToken(db(), pending)).toBeNull(); // a pending session reaches nothing
  }, 120_000);
});

describe("a locked account's answer says how long to wait", () => {
  beforeEach(useMemoryRateLimits);

  it("V6.3.1 V2.4.1 the JSON 423 carries Retry-After like a 429, and the form shows the same wait", async () => {
    const clock = useFakeClock(new Date());
    const { POST } = await import("@/app/api/auth/sign-in/route");
    const { user, email, password } = await makeUser();
    const post = () =>
      POST(new Request("http://localhost:3000/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) }));
    const meta = { ip: botIp(), userAgent: "attacker", requestId: randomUUID() };
    for (let i = 0; i < 5; i++) await recordAuthFailure(db(), { userId: user.id, kind: "password", meta });

    const locked = await post();
    expect(locked.status).toBe(423);
    expect(locked.headers.get("retry-after")).toBe("60");
    expect(locked.headers.get("cache-control")).toBe("no-store");
    expect(await locked.json()).toEqual({ error: { code: "account_locked", message: lockedMessage(1) } });
    expect(await signInAction(undefined, form({ email, password }))).toMatchObject({ ok: false, message: lockedMessage(1) });

    // The next failure after the lock locks twice as long: the header follows.
    clock.advance(61_000);
    await recordAuthFailure(db(), { userId: user.id, kind: "password", meta });
    const longer = await post();
    expect(longer.status).toBe(423);
    expect(longer.headers.get("retry-after")).toBe("120");
    expect(await signInAction(undefined, form({ email, password }))).toMatchObject({ ok: false, message: lockedMessage(2) });
    // Other refusals carry no Retry-After: only a wait that ends by itself has one.
    clock.advance(121_000);
    const wrong = await POST(
      new Request("http://localhost:3000/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "not the password" }) }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("retry-after")).toBeNull();
  });
});

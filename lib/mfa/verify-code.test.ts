import { eq } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { POST as mfaRoute } from "@/app/api/auth/mfa/route";
import {
  verifyRecoveryCodeSignInAction,
  verifyRecoveryCodeStepUpAction,
  verifyTotpSignInAction,
  verifyTotpStepUpAction,
} from "@/app/mfa/actions";
import { regenerateRecoveryCodesAction } from "@/app/(app)/settings/security/recovery-actions";
import { confirmTotpSetupAction, removeTotpAction, startTotpSetupAction } from "@/app/(app)/settings/security/totp-actions";
import { getDb } from "@/db";
import { organizationMfaPolicies, sessions } from "@/db/schema";
import { createSession, validateSessionToken } from "@/lib/auth";
// Aliased: the hooks lint rule reads any use* call in a helper as a React hook.
import { useFakeClock as fakeClock } from "@/lib/clock";
import { env } from "@/lib/env";
import type { MfaEventContext } from "./events";
import { recoveryCodesLeft, spendRecoveryCode } from "./recovery-codes";
import { confirmTotpEnrolment, startTotpEnrolment, totpStatus } from "./totp";
import { INVALID_RECOVERY_CODE, INVALID_TOTP_CODE } from "./verify-code";
import { makeUser } from "@/tests/factories";
import { mailsTo } from "@/tests/outbox";
import { cookieJar, resetRequestContext, setRequestCookie } from "@/tests/request-context";
import { expectAudited } from "@/tests/audit";

const T0 = new Date("2026-03-02T09:00:05Z");
const meta = { ip: "203.0.113.9", userAgent: "vitest", requestId: "test" };
const PENDING_EXPIRED = "Your sign-in has expired. Sign in again with your password.";

function codeAt(secret: string, at: Date, steps = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30, timestamp: at.getTime() + steps * 30_000 });
}

function form(values: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

async function redirectOf(p: Promise<unknown>): Promise<string> {
  try {
    const state = await p;
    throw new Error(`expected a redirect, got ${JSON.stringify(state)}`);
  } catch (e) {
    const digest = (e as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2]!;
    throw e;
  }
}

/** A user with a confirmed authenticator app (and ten recovery codes); the clock one step past enrolment. */
async function enrolledUser(opts: { organizationId?: string } = {}) {
  const clock = fakeClock(T0);
  const made = await makeUser(opts.organizationId ? { organizationId: opts.organizationId } : {});
  const user = { id: made.user.id, email: made.email };
  const ev: MfaEventContext = { userId: user.id, organizationId: made.organizationId, meta };
  await startTotpEnrolment(getDb(), user.id);
  const status = await totpStatus(getDb(), user);
  if (status.state !== "pending") throw new Error("no pending enrolment");
  const confirmed = await confirmTotpEnrolment(getDb(), ev, codeAt(status.secret, clock.now()));
  if (!confirmed.ok || !confirmed.recoveryCodes) throw new Error("enrolment failed");
  clock.advance(30_000);
  const session = (stage: "full" | "mfa_pending", mfaVerified = false) =>
    createSession(getDb(), { userId: user.id, organizationId: made.organizationId, ip: null, userAgent: "vitest", stage, mfaVerified });
  return { ...made, user, ev, secret: status.secret, clock, recoveryCodes: confirmed.recoveryCodes, session };
}

function asPending(token: string) {
  resetRequestContext();
  setRequestCookie("ck_mfa", token);
}

function asSession(token: string) {
  resetRequestContext();
  setRequestCookie("ck_session", token);
}

describe("sign-in with a TOTP code (MFA-pending session)", () => {
  it("V6.3.3 V7.2.4 the right code turns the pending session into a full one with a new id, and follows only a local next", async () => {
    const u = await enrolledUser();
    const pending = await u.session("mfa_pending");
    asPending(pending.token);
    const to = await redirectOf(verifyTotpSignInAction(undefined, form({ code: codeAt(u.secret, u.clock.now()), next: "https://evil.example/x" })));
    expect(to).toBe("/dashboard");
    expect(cookieJar().has("ck_mfa")).toBe(false);
    const token = cookieJar().get("ck_session")!.value;
    const ctx = await validateSessionToken(getDb(), token);
    expect(ctx?.user.id).toBe(u.user.id);
    expect(ctx?.mfa.verifiedAt?.getTime()).toBe(u.clock.now().getTime());
    expect(ctx?.session.id).not.toBe(pending.sessionId);
    await expectAudited(getDb(), { action: "mfa.verified", actorUserId: u.user.id, organizationId: u.organizationId, metadata: { method: "totp", purpose: "sign_in" } });
    // V16.3.1: the sign-in is recorded once complete, with where it came from (the new-device alert reads it)
    await expectAudited(getDb(), { action: "auth.sign_in", actorUserId: u.user.id, organizationId: u.organizationId, result: "success", metadata: { secondFactor: true } });
    // the password-only token is dead in both stages
    expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).toBeNull();
    expect(await validateSessionToken(getDb(), pending.token)).toBeNull();

    const again = await u.session("mfa_pending");
    asPending(again.token);
    u.clock.advance(30_000);
    expect(await redirectOf(verifyTotpSignInAction(undefined, form({ code: codeAt(u.secret, u.clock.now()), next: "/settings/security" })))).toBe(
      "/settings/security",
    );
  });

  it("V6.5.1 V6.3.8 a wrong code and a replayed code get the same answer, and no session", async () => {
    const u = await enrolledUser();
    const code = codeAt(u.secret, u.clock.now());
    const first = await u.session("mfa_pending");
    asPending(first.token);
    await redirectOf(verifyTotpSignInAction(undefined, form({ code })));

    const second = await u.session("mfa_pending");
    asPending(second.token);
    const replayed = await verifyTotpSignInAction(undefined, form({ code }));
    const wrong = await verifyTotpSignInAction(undefined, form({ code: codeAt(u.secret, u.clock.now(), 7) }));
    expect(replayed).toMatchObject({ ok: false, message: INVALID_TOTP_CODE });
    expect(wrong).toEqual(replayed);
    await expectAudited(getDb(), { action: "mfa.failed", actorUserId: u.user.id, result: "failure", metadata: { method: "totp", purpose: "sign_in" } });
    expect(INVALID_TOTP_CODE).toBe("That code is not valid. Check your app and try again.");
    expect(cookieJar().has("ck_session")).toBe(false);
    expect(await validateSessionToken(getDb(), second.token, "mfa_pending")).not.toBeNull();
  });

  it("V6.3.1 after 5 wrong codes in one session, the 6th attempt is refused even with the right code", async () => {
    const u = await enrolledUser();
    const pending = await u.session("mfa_pending");
    asPending(pending.token);
    for (let i = 0; i < 5; i++) {
      expect(await verifyTotpSignInAction(undefined, form({ code: String(100000 + i) }))).toMatchObject({ message: INVALID_TOTP_CODE });
    }
    const sixth = await verifyTotpSignInAction(undefined, form({ code: codeAt(u.secret, u.clock.now()) }));
    expect(sixth).toMatchObject({ ok: false, message: expect.stringMatching(/^Too many verification attempts\. Wait/) });
    expect(cookieJar().has("ck_session")).toBe(false);
    // a recovery code through the same session is limited just the same
    const recovery = await verifyRecoveryCodeSignInAction(undefined, form({ recoveryCode: u.recoveryCodes[0]! }));
    expect(recovery.message).toMatch(/^Too many verification attempts/);
    expect(await recoveryCodesLeft(getDb(), u.user.id)).toBe(10);
  });

  it("V6.3.1 new sessions do not reset the count: 10 wrong codes per user lock out the next session too", async () => {
    const u = await enrolledUser();
    for (let s = 0; s < 2; s++) {
      asPending((await u.session("mfa_pending")).token);
      for (let i = 0; i < 5; i++) await verifyTotpSignInAction(undefined, form({ code: String(200000 + s * 10 + i) }));
    }
    asPending((await u.session("mfa_pending")).token);
    const state = await verifyTotpSignInAction(undefined, form({ code: codeAt(u.secret, u.clock.now()) }));
    expect(state.message).toMatch(/^Too many verification attempts/);
    // the limit is per user: someone else is unaffected
    const other = await enrolledUser();
    asPending((await other.session("mfa_pending")).token);
    await redirectOf(verifyTotpSignInAction(undefined, form({ code: codeAt(other.secret, other.clock.now()) })));
  });

  it("V6.3.3 V7.2.1 the sign-in actions refuse a full session, the step-up actions refuse a pending one", async () => {
    const u = await enrolledUser();
    const full = await u.session("full");
    const code = () => codeAt(u.secret, u.clock.now());
    // a full session (in either cookie) is not a sign-in in progress
    asSession(full.token);
    expect(await verifyTotpSignInAction(undefined, form({ code: code() }))).toMatchObject({ ok: false, message: PENDING_EXPIRED });
    asPending(full.token);
    expect(await verifyTotpSignInAction(undefined, form({ code: code() }))).toMatchObject({ ok: false, message: PENDING_EXPIRED });
    expect(await verifyRecoveryCodeSignInAction(undefined, form({ recoveryCode: u.recoveryCodes[0]! }))).toMatchObject({ message: PENDING_EXPIRED });
    // a password-only session (in either cookie) cannot step up
    const pending = await u.session("mfa_pending");
    asPending(pending.token);
    expect(await verifyTotpStepUpAction(undefined, form({ code: code() }))).toMatchObject({ ok: false, message: "Please sign in to continue." });
    asSession(pending.token);
    expect(await verifyTotpStepUpAction(undefined, form({ code: code() }))).toMatchObject({ ok: false, message: "Please sign in to continue." });
    expect(await verifyRecoveryCodeStepUpAction(undefined, form({ recoveryCode: u.recoveryCodes[0]! }))).toMatchObject({
      message: "Please sign in to continue.",
    });
    // nothing above spent the code or a recovery code
    expect(await recoveryCodesLeft(getDb(), u.user.id)).toBe(10);
    asPending(pending.token);
    await redirectOf(verifyTotpSignInAction(undefined, form({ code: code() })));
  });

  it("V6.3.3 no session at all: refused before any code is looked at", async () => {
    resetRequestContext();
    expect(await verifyTotpSignInAction(undefined, form({ code: "123456" }))).toMatchObject({ ok: false, message: PENDING_EXPIRED });
    setRequestCookie("ck_mfa", "not-a-token");
    expect(await verifyRecoveryCodeSignInAction(undefined, form({ recoveryCode: "k7dq-2mxp-9rtv" }))).toMatchObject({ message: PENDING_EXPIRED });
  });
});

describe("sign-in with a recovery code", () => {
  it("V6.5.1 V6.3.5 a recovery code signs in once, and the user is e-mailed", async () => {
    const u = await enrolledUser();
    asPending((await u.session("mfa_pending")).token);
    expect(await redirectOf(verifyRecoveryCodeSignInAction(undefined, form({ recoveryCode: u.recoveryCodes[2]!.toUpperCase() })))).toBe("/dashboard");
    expect(await validateSessionToken(getDb(), cookieJar().get("ck_session")!.value)).not.toBeNull();
    expect(mailsTo(u.email).at(-1)?.text).toContain("You have 9 recovery codes left.");

    asPending((await u.session("mfa_pending")).token);
    expect(await verifyRecoveryCodeSignInAction(undefined, form({ recoveryCode: u.recoveryCodes[2]! }))).toMatchObject({
      ok: false,
      message: INVALID_RECOVERY_CODE,
    });
    expect(cookieJar().has("ck_session")).toBe(false);
  });
});

describe("step-up", () => {
  it("V7.5.3 V7.2.4 step-up records the verification time on the session and gives it a new id; the old token stops working", async () => {
    const u = await enrolledUser();
    const full = await u.session("full");
    expect((await validateSessionToken(getDb(), full.token))!.mfa.verifiedAt).toBeNull();
    asSession(full.token);
    expect(await redirectOf(verifyTotpStepUpAction(undefined, form({ code: codeAt(u.secret, u.clock.now()), next: "/admin/members" })))).toBe(
      "/admin/members",
    );
    const token = cookieJar().get("ck_session")!.value;
    expect(token).not.toBe(full.token);
    const ctx = await validateSessionToken(getDb(), token);
    expect(ctx!.mfa.verifiedAt?.getTime()).toBe(u.clock.now().getTime());
    expect(await validateSessionToken(getDb(), full.token)).toBeNull();
    const [row] = await getDb().select().from(sessions).where(eq(sessions.id, ctx!.session.id));
    expect(row!.mfaVerifiedAt?.getTime()).toBe(u.clock.now().getTime());
  });

  it("V7.5.3 a wrong code does not step up; a recovery code does", async () => {
    const u = await enrolledUser();
    const full = await u.session("full");
    asSession(full.token);
    expect(await verifyTotpStepUpAction(undefined, form({ code: codeAt(u.secret, u.clock.now(), 4) }))).toMatchObject({ message: INVALID_TOTP_CODE });
    expect((await validateSessionToken(getDb(), full.token))!.mfa.verifiedAt).toBeNull();
    expect(await redirectOf(verifyRecoveryCodeStepUpAction(undefined, form({ recoveryCode: u.recoveryCodes[0]!, next: "//evil.example" })))).toBe(
      "/dashboard",
    );
    expect((await validateSessionToken(getDb(), cookieJar().get("ck_session")!.value))!.mfa.verifiedAt).not.toBeNull();
  });
});

describe("POST /api/auth/mfa (JSON clients)", () => {
  const call = (body: unknown, cookie?: string) =>
    mfaRoute(
      new Request("http://localhost:3000/api/auth/mfa", {
        method: "POST",
        headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      }),
    );

  it("V6.3.3 answers 401 without a pending cookie, and with a full session's cookie", async () => {
    const u = await enrolledUser();
    const res = await call({ code: codeAt(u.secret, u.clock.now()) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("mfa_session_expired");
    const full = await u.session("full");
    expect((await call({ code: codeAt(u.secret, u.clock.now()) }, `ck_session=${full.token}`)).status).toBe(401);
    expect((await call({ code: codeAt(u.secret, u.clock.now()) }, `ck_mfa=${full.token}`)).status).toBe(401);
  });

  it("V6.3.3 V7.2.4 a right code sets the session cookie, clears the pending one and answers { ok: true }", async () => {
    const u = await enrolledUser();
    const pending = await u.session("mfa_pending");
    const res = await call({ code: codeAt(u.secret, u.clock.now()) }, `ck_mfa=${pending.token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("ck_session="))!;
    expect(session).toMatch(/HttpOnly; SameSite=Lax/);
    expect(cookies.find((c) => c.startsWith("ck_mfa="))).toMatch(/^ck_mfa=; .*Max-Age=0/);
    const token = session.slice("ck_session=".length).split(";")[0]!;
    expect((await validateSessionToken(getDb(), token))?.user.id).toBe(u.user.id);
    expect(await validateSessionToken(getDb(), pending.token, "mfa_pending")).toBeNull();
  });

  it("V6.5.1 a wrong or replayed code is 401 mfa_code_invalid; a recovery code works once; bad bodies are 422", async () => {
    const u = await enrolledUser();
    const code = codeAt(u.secret, u.clock.now());
    expect((await call({ code }, `ck_mfa=${(await u.session("mfa_pending")).token}`)).status).toBe(200);
    const pending = await u.session("mfa_pending");
    const cookie = `ck_mfa=${pending.token}`;
    for (const body of [{ code }, { code: "000000" }, { recoveryCode: "aaaa-bbbb-cccc" }]) {
      const res = await call(body, cookie);
      expect(res.status, JSON.stringify(body)).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("mfa_code_invalid");
    }
    for (const body of [{}, { code, recoveryCode: u.recoveryCodes[0] }, { code: 123456 }, { code, extra: 1 }]) {
      expect((await call(body, cookie)).status, JSON.stringify(body)).toBe(422);
    }
    expect((await call({ recoveryCode: u.recoveryCodes[0] }, cookie)).status).toBe(200);
    expect((await call({ recoveryCode: u.recoveryCodes[0] }, `ck_mfa=${(await u.session("mfa_pending")).token}`)).status).toBe(401);
  });

  it("V6.3.1 the route shares the limits: the 6th attempt in a session is 429 even with the right code", async () => {
    const u = await enrolledUser();
    const cookie = `ck_mfa=${(await u.session("mfa_pending")).token}`;
    for (let i = 0; i < 5; i++) expect((await call({ code: String(300000 + i) }, cookie)).status).toBe(401);
    const res = await call({ code: codeAt(u.secret, u.clock.now()) }, cookie);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
  });
});

describe("settings: authenticator app and recovery codes", () => {
  it("V6.4.1 V7.2.4 setting up through the page's actions: wrong code refused, right code turns it on, shows ten codes once, marks the session verified", async () => {
    const clock = fakeClock(T0);
    const made = await makeUser();
    const s = await createSession(getDb(), { userId: made.user.id, organizationId: made.organizationId, ip: null, userAgent: "vitest" });
    asSession(s.token);
    expect(await startTotpSetupAction(undefined, form({}))).toMatchObject({ ok: true });
    const status = await totpStatus(getDb(), { id: made.user.id, email: made.email });
    if (status.state !== "pending") throw new Error("not pending");
    expect(await confirmTotpSetupAction(undefined, form({ code: codeAt(status.secret, clock.now(), 3) }))).toMatchObject({
      ok: false,
      message: INVALID_TOTP_CODE,
    });
    const done = (await confirmTotpSetupAction(undefined, form({ code: codeAt(status.secret, clock.now()) }))) as { ok?: boolean; recoveryCodes?: string[] };
    expect(done.ok).toBe(true);
    expect(done.recoveryCodes).toHaveLength(10);
    const token = cookieJar().get("ck_session")!.value;
    expect(token).not.toBe(s.token);
    const ctx = await validateSessionToken(getDb(), token);
    expect(ctx!.mfa).toMatchObject({ enrolled: true, verifiedAt: clock.now() });
    expect(await validateSessionToken(getDb(), s.token)).toBeNull();
    // the codes shown work (once)
    const ev: MfaEventContext = { userId: made.user.id, organizationId: made.organizationId, meta };
    expect(await spendRecoveryCode(getDb(), ev, { id: made.user.id, email: made.email }, done.recoveryCodes![0]!)).toEqual({ remaining: 9 });
  });

  it("V7.5.1 a user who already has a factor must step up before setting up another app", async () => {
    const u = await enrolledUser();
    asSession((await u.session("full")).token);
    expect(await startTotpSetupAction(undefined, form({}))).toMatchObject({ ok: false, mfa: "step_up" });
    asSession((await u.session("full", true)).token);
    expect(await startTotpSetupAction(undefined, form({}))).toMatchObject({ ok: false, message: "An authenticator app is already on. Remove it first to set up another one." });
  });

  it("V6.3.3 a member whose organization's MFA deadline passed can still set up the app", async () => {
    const owner = await makeUser();
    // the grace period runs from joining (the database's clock), so this test keeps the real time
    const clock = fakeClock(new Date(Date.now() + 60_000));
    await getDb().insert(organizationMfaPolicies).values({ organizationId: owner.organizationId, policy: "all", graceDays: 0, since: new Date(Date.now() - 60_000) });
    const s = await createSession(getDb(), { userId: owner.user.id, organizationId: owner.organizationId, ip: null, userAgent: "vitest" });
    expect((await validateSessionToken(getDb(), s.token))!.mfa.mustEnrol).toBe(true);
    asSession(s.token);
    expect(await startTotpSetupAction(undefined, form({}))).toMatchObject({ ok: true });
    const status = await totpStatus(getDb(), { id: owner.user.id, email: owner.email });
    if (status.state !== "pending") throw new Error("not pending");
    expect(await confirmTotpSetupAction(undefined, form({ code: codeAt(status.secret, clock.now()) }))).toMatchObject({ ok: true });
    expect((await validateSessionToken(getDb(), cookieJar().get("ck_session")!.value))!.mfa.mustEnrol).toBe(false);
  });

  it("V7.5.1 V6.5.6 removing the app needs a recent second factor, and is refused for the last factor under an MFA policy", async () => {
    const u = await enrolledUser();
    asSession((await u.session("full")).token);
    expect(await removeTotpAction(undefined, form({ confirm: "on" }))).toMatchObject({ ok: false, mfa: "step_up" });
    // a verification older than the step-up window does not count
    asSession((await u.session("full", true)).token);
    u.clock.advance((env().MFA_STEP_UP_MINUTES + 1) * 60_000);
    expect(await removeTotpAction(undefined, form({ confirm: "on" }))).toMatchObject({ ok: false, mfa: "step_up" });
    // the box must be ticked
    asSession((await u.session("full", true)).token);
    expect(await removeTotpAction(undefined, form({}))).toMatchObject({ ok: false, fieldErrors: { confirm: "Tick the box to confirm." } });

    await getDb().insert(organizationMfaPolicies).values({ organizationId: u.organizationId, policy: "all", graceDays: 7 });
    asSession((await u.session("full", true)).token);
    expect(await removeTotpAction(undefined, form({ confirm: "on" }))).toMatchObject({ ok: false, message: expect.stringMatching(/^Your organization requires two-step verification/) });
    expect((await totpStatus(getDb(), u.user)).state).toBe("on");

    await getDb().delete(organizationMfaPolicies).where(eq(organizationMfaPolicies.organizationId, u.organizationId));
    asSession((await u.session("full", true)).token);
    expect(await removeTotpAction(undefined, form({ confirm: "on" }))).toMatchObject({ ok: true, message: "The authenticator app was removed." });
    expect((await totpStatus(getDb(), u.user)).state).toBe("off");
  });

  it("V7.5.1 generating new recovery codes needs a recent second factor and voids the old set", async () => {
    const u = await enrolledUser();
    asSession((await u.session("full")).token);
    expect(await regenerateRecoveryCodesAction(undefined, form({ confirm: "on" }))).toMatchObject({ ok: false, mfa: "step_up" });
    asSession((await u.session("full", true)).token);
    const state = (await regenerateRecoveryCodesAction(undefined, form({ confirm: "on" }))) as { ok?: boolean; recoveryCodes?: string[] };
    expect(state.ok).toBe(true);
    expect(state.recoveryCodes).toHaveLength(10);
    expect(state.recoveryCodes).not.toContain(u.recoveryCodes[0]);
    expect(await spendRecoveryCode(getDb(), u.ev, u.user, u.recoveryCodes[0]!)).toBeNull();
    expect(await spendRecoveryCode(getDb(), u.ev, u.user, state.recoveryCodes![0]!)).toEqual({ remaining: 9 });
    // without any factor, there is nothing to recover: the user is sent to enrol
    const plain = await makeUser();
    asSession((await createSession(getDb(), { userId: plain.user.id, organizationId: plain.organizationId, ip: null, userAgent: "vitest" })).token);
    expect(await regenerateRecoveryCodesAction(undefined, form({ confirm: "on" }))).toMatchObject({ ok: false, mfa: "enrol" });
  });
});

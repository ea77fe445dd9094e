import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db";
import { organizationMfaPolicies, recoveryCodes, totpFactors, webauthnCredentials } from "@/db/schema";
// Aliased: the hooks lint rule reads any use* call in a helper as a React hook.
import { useFakeClock as fakeClock } from "@/lib/clock";
import { open } from "@/lib/crypto";
import type { MfaEventContext } from "./events";
import { recoveryCodesLeft } from "./recovery-codes";
import {
  confirmTotpEnrolment,
  matchTotpStep,
  removeTotp,
  startTotpEnrolment,
  totpStatus,
  totpStepAt,
  totpUri,
  verifyTotp,
} from "./totp";
import { makeUser } from "@/tests/factories";
import { expectAudited } from "@/tests/audit";

const T0 = new Date("2026-03-02T09:00:05Z");
const meta = { ip: "203.0.113.9", userAgent: "vitest", requestId: "test" };

/** What the user's app shows at `at`, `steps` 30-second steps away. */
function codeAt(secret: string, at: Date, steps = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30, timestamp: at.getTime() + steps * 30_000 });
}

async function pendingSecret(user: { id: string; email: string }): Promise<string> {
  const status = await totpStatus(getDb(), user);
  if (status.state !== "pending") throw new Error(`expected a pending enrolment, got ${status.state}`);
  return status.secret;
}

/** A user with a confirmed authenticator app, the clock moved one step past the enrolment code. */
async function enrolledUser() {
  const clock = fakeClock(T0);
  const made = await makeUser();
  const user = { id: made.user.id, email: made.email };
  const ev: MfaEventContext = { userId: user.id, organizationId: made.organizationId, meta };
  await startTotpEnrolment(getDb(), user.id);
  const secret = await pendingSecret(user);
  const confirmed = await confirmTotpEnrolment(getDb(), ev, codeAt(secret, clock.now()));
  if (!confirmed.ok) throw new Error("enrolment failed");
  clock.advance(30_000);
  return { ...made, user, ev, secret, clock, recoveryCodes: confirmed.recoveryCodes };
}

describe("TOTP codes (RFC 6238, SHA-1, 6 digits, 30 s)", () => {
  it("V6.5.5 accepts the previous, current and next step and refuses codes two or more steps away", () => {
    const secret = new Secret({ size: 20 }).base32;
    const at = new Date("2026-03-02T09:00:15Z");
    const step = totpStepAt(at);
    for (const d of [-1, 0, 1]) expect(matchTotpStep(secret, codeAt(secret, at, d), at), `step ${d}`).toBe(step + d);
    const window = new Set([-1, 0, 1].map((d) => codeAt(secret, at, d)));
    for (const d of [-2, 2, -20, 20]) {
      const code = codeAt(secret, at, d);
      if (window.has(code)) continue; // a one-in-a-million collision with a code that is valid now
      expect(matchTotpStep(secret, code, at), `step ${d}`).toBeNull();
    }
  });

  it("V6.5.8 the code is judged by the server's time, and malformed input never matches", () => {
    const secret = new Secret({ size: 20 }).base32;
    const at = new Date("2026-03-02T09:00:15Z");
    const code = codeAt(secret, at);
    expect(matchTotpStep(secret, code, new Date(at.getTime() + 10 * 60_000))).toBeNull();
    expect(matchTotpStep(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, at)).toBe(totpStepAt(at));
    for (const bad of ["", "12345", "1234567", "abcdef", `${code}0`, "12345\u0661"]) expect(matchTotpStep(secret, bad, at), bad).toBeNull();
  });

  it("V6.5.3 each enrolment gets a fresh 160-bit secret; the QR URI names ChargeKeep and the user's e-mail", async () => {
    const a = await makeUser();
    const b = await makeUser();
    await startTotpEnrolment(getDb(), a.user.id);
    await startTotpEnrolment(getDb(), b.user.id);
    const sa = await pendingSecret({ id: a.user.id, email: a.email });
    const sb = await pendingSecret({ id: b.user.id, email: b.email });
    expect(sa).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 characters = 20 bytes = 160 bits
    expect(sa).not.toBe(sb);
    const raw = totpUri(sa, a.email);
    expect(raw.startsWith(`otpauth://totp/ChargeKeep:${encodeURIComponent(a.email)}?`)).toBe(true);
    const uri = new URL(raw);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ issuer: "ChargeKeep", algorithm: "SHA1", digits: "6", period: "30", secret: sa });
  });
});

describe("enrolment", () => {
  it("V6.5.1 a wrong first code leaves the app off; the right one turns it on and spends its step", async () => {
    const clock = fakeClock(T0);
    const made = await makeUser();
    const ev: MfaEventContext = { userId: made.user.id, organizationId: made.organizationId, meta };
    await startTotpEnrolment(getDb(), made.user.id);
    const secret = await pendingSecret({ id: made.user.id, email: made.email });
    const wrong = codeAt(secret, clock.now(), 5);
    expect(await confirmTotpEnrolment(getDb(), ev, wrong)).toEqual({ ok: false, reason: "invalid_code" });
    expect((await totpStatus(getDb(), { id: made.user.id, email: made.email })).state).toBe("pending");
    await expectAudited(getDb(), { action: "mfa.failed", actorUserId: made.user.id, organizationId: made.organizationId, result: "failure", metadata: { method: "totp", purpose: "enrol" } });

    const code = codeAt(secret, clock.now());
    const done = await confirmTotpEnrolment(getDb(), ev, code);
    expect(done.ok).toBe(true);
    expect((await totpStatus(getDb(), { id: made.user.id, email: made.email })).state).toBe("on");
    const event = await expectAudited(getDb(), { action: "mfa.totp_enrolled", actorUserId: made.user.id, organizationId: made.organizationId, result: "success" });
    expect(event).toMatchObject({ ip: meta.ip, userAgent: meta.userAgent, targetId: made.user.id });
    expect(JSON.stringify(event)).not.toContain(code); // V16.2.5: never the code itself
    // the enrolment code cannot be replayed to sign in
    expect(await verifyTotp(getDb(), made.user.id, code)).toBe(false);
  });

  it("V6.5.1 an unconfirmed factor is not a factor: its codes sign nobody in", async () => {
    const clock = fakeClock(T0);
    const made = await makeUser();
    await startTotpEnrolment(getDb(), made.user.id);
    const secret = await pendingSecret({ id: made.user.id, email: made.email });
    expect(await verifyTotp(getDb(), made.user.id, codeAt(secret, clock.now()))).toBe(false);
  });

  it("V6.4.1 starting again replaces an unconfirmed secret, but never a confirmed app", async () => {
    const made = await makeUser();
    const user = { id: made.user.id, email: made.email };
    await startTotpEnrolment(getDb(), user.id);
    const first = await pendingSecret(user);
    await startTotpEnrolment(getDb(), user.id);
    const second = await pendingSecret(user);
    expect(second).not.toBe(first);

    const enrolled = await enrolledUser();
    const [before] = await getDb().select().from(totpFactors).where(eq(totpFactors.userId, enrolled.user.id));
    await expect(startTotpEnrolment(getDb(), enrolled.user.id)).rejects.toMatchObject({ code: "totp_already_on", status: 409 });
    const [after] = await getDb().select().from(totpFactors).where(eq(totpFactors.userId, enrolled.user.id));
    expect(after).toEqual(before);
  });

  it("the first factor comes with ten recovery codes", async () => {
    const enrolled = await enrolledUser();
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(await recoveryCodesLeft(getDb(), enrolled.user.id)).toBe(10);
  });
});

describe("verification and replay", () => {
  it("V6.5.1 refuses a TOTP code used twice", async () => {
    const { user, secret, clock } = await enrolledUser();
    const code = codeAt(secret, clock.now());
    expect(await verifyTotp(getDb(), user.id, code)).toBe(true);
    expect(await verifyTotp(getDb(), user.id, code)).toBe(false);
    clock.advance(10_000); // still within the window, still the same step
    expect(await verifyTotp(getDb(), user.id, code)).toBe(false);
  });

  it("V6.5.1 two requests racing with the same code: exactly one succeeds", async () => {
    const { user, secret, clock } = await enrolledUser();
    const code = codeAt(secret, clock.now());
    const results = await Promise.all([verifyTotp(getDb(), user.id, code), verifyTotp(getDb(), user.id, code), verifyTotp(getDb(), user.id, code)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("V6.5.1 once the next step's code was used, the current step's code is dead too", async () => {
    const { user, secret, clock } = await enrolledUser();
    expect(await verifyTotp(getDb(), user.id, codeAt(secret, clock.now(), 1))).toBe(true);
    expect(await verifyTotp(getDb(), user.id, codeAt(secret, clock.now()))).toBe(false);
    clock.advance(60_000);
    expect(await verifyTotp(getDb(), user.id, codeAt(secret, clock.now()))).toBe(true);
  });

  it("V6.5.1 a valid code of another user's app does not work for this user", async () => {
    const victim = await enrolledUser();
    const attacker = await enrolledUser();
    expect(await verifyTotp(getDb(), victim.user.id, codeAt(attacker.secret, attacker.clock.now()))).toBe(false);
    expect(await verifyTotp(getDb(), victim.user.id, codeAt(victim.secret, victim.clock.now()))).toBe(true);
  });
});

describe("storage", () => {
  it("V14.2.4 the secret is stored sealed: the raw column is ciphertext that contains no part of the base32 secret", async () => {
    const { user, secret } = await enrolledUser();
    const [raw] = await queryRows<{ id: string; secret: string }>(getDb(), sql`select id, secret from totp_factors where user_id = ${user.id}`);
    expect(raw!.secret).not.toBe(secret);
    expect(raw!.secret).toMatch(/^ck\d+\.\d+\./);
    for (const part of [secret, secret.toLowerCase(), secret.slice(0, 8), Buffer.from(secret).toString("base64")]) expect(raw!.secret).not.toContain(part);
    expect(open(raw!.secret, { table: "totp_factors", column: "secret", rowId: raw!.id })).toBe(secret);
  });

  it("V11.3.3 a sealed secret copied onto another user's row does not open there", async () => {
    const a = await enrolledUser();
    const b = await enrolledUser();
    const [rowA] = await getDb().select().from(totpFactors).where(eq(totpFactors.userId, a.user.id));
    await getDb().update(totpFactors).set({ secret: rowA!.secret }).where(eq(totpFactors.userId, b.user.id));
    await expect(verifyTotp(getDb(), b.user.id, codeAt(a.secret, a.clock.now()))).rejects.toThrow();
  });

  it("V14.2.4 the database refuses a plaintext secret", async () => {
    const made = await makeUser();
    await expect(
      getDb().execute(sql`insert into totp_factors (id, user_id, secret) values (${randomUUID()}, ${made.user.id}, ${"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"})`),
    ).rejects.toThrow();
  });
});

describe("removal", () => {
  it("V6.5.6 the app can be removed; without any factor left the recovery codes go too", async () => {
    const { user, ev, secret, clock } = await enrolledUser();
    expect(await removeTotp(getDb(), ev, { mfaRequired: false })).toBe(true);
    await expectAudited(getDb(), { action: "mfa.totp_removed", actorUserId: user.id, result: "success" });
    expect((await totpStatus(getDb(), user)).state).toBe("off");
    expect(await recoveryCodesLeft(getDb(), user.id)).toBe(0);
    expect(await verifyTotp(getDb(), user.id, codeAt(secret, clock.now()))).toBe(false);
    expect(await removeTotp(getDb(), ev, { mfaRequired: false })).toBe(false);
  });

  it("V6.3.3 the last factor of a member whose organization requires MFA cannot be removed", async () => {
    const { user, ev, organizationId } = await enrolledUser();
    await getDb().insert(organizationMfaPolicies).values({ organizationId, policy: "all", graceDays: 0 });
    await expect(removeTotp(getDb(), ev, { mfaRequired: true })).rejects.toMatchObject({ code: "mfa_required_by_policy" });
    expect((await totpStatus(getDb(), user)).state).toBe("on");
    expect(await recoveryCodesLeft(getDb(), user.id)).toBe(10);

    // with a security key as well, the app may go (and the recovery codes stay)
    await getDb()
      .insert(webauthnCredentials)
      .values({ userId: user.id, credentialId: randomUUID(), publicKey: "pk", deviceType: "singleDevice", name: "Key" });
    expect(await removeTotp(getDb(), ev, { mfaRequired: true })).toBe(true);
    expect(await recoveryCodesLeft(getDb(), user.id)).toBe(10);
    expect(await getDb().select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toHaveLength(10);
  });
});

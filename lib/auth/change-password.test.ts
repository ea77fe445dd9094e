import { randomInt } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { sha256Hex } from "@/lib/crypto";
import { consume } from "@/lib/ratelimit";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeUser } from "@/tests/factories";
import { mailsTo } from "@/tests/outbox";
import { changePassword, SAME_PASSWORD } from "./change-password";
import { WRONG_CURRENT_PASSWORD } from "./current-password";
import { verifyPassword } from "@/lib/credentials";
import { validateSessionToken } from "./session";
import { signIn } from "./sign-in";

const NEW_PASSWORD = "amber-tundra-whistle-58";
const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const metaFor = (ip = randomIp()) => ({ ip, userAgent: "vitest", requestId: crypto.randomUUID() });

async function signedIn() {
  const who = await makeUser();
  const mine = await makeSession(who.user.id, who.organizationId);
  const ctx = (await validateSessionToken(getDb(), mine.token))!;
  return { ...who, mine, ctx };
}

async function storedHash(userId: string) {
  const [row] = await getDb().select({ h: users.passwordHash }).from(users).where(eq(users.id, userId));
  return row!.h!;
}

describe("change password", () => {
  it("V6.2.2 V6.2.3 V7.4.3 changes the password given the current one, ends every other session, keeps this one, audits and mails", async () => {
    const { user, email, organizationId, password, mine, ctx } = await signedIn();
    const other = await makeSession(user.id, organizationId);
    const result = await changePassword(getDb(), ctx, { currentPassword: password, newPassword: NEW_PASSWORD, meta: metaFor() });
    expect(result).toEqual({ sessionsEnded: 1 });
    expect(await validateSessionToken(getDb(), other.token)).toBeNull();
    expect(await validateSessionToken(getDb(), mine.token)).not.toBeNull();
    expect(await verifyPassword(await storedHash(user.id), NEW_PASSWORD)).toBe(true);
    await expectAudited(getDb(), { action: "auth.password_changed", actorUserId: user.id, organizationId, result: "success", metadata: { sessionsEnded: 1 } });
    expect(mailsTo(email).at(-1)?.text).toMatch(/every other device was signed out/);
    expect((await signIn(getDb(), { email, password, ip: randomIp(), userAgent: null })).ok).toBe(false);
    expect((await signIn(getDb(), { email, password: NEW_PASSWORD, ip: randomIp(), userAgent: null })).ok).toBe(true);
  });

  it("V6.2.3 a wrong current password changes nothing, ends no session and is audited as a failed sign-in", async () => {
    const { user, organizationId, mine, ctx } = await signedIn();
    const other = await makeSession(user.id, organizationId);
    const before = await storedHash(user.id);
    await expect(changePassword(getDb(), ctx, { currentPassword: "not-my-password-at-all", newPassword: NEW_PASSWORD, meta: metaFor() })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { currentPassword: WRONG_CURRENT_PASSWORD },
    });
    expect(await storedHash(user.id)).toBe(before);
    expect(await validateSessionToken(getDb(), other.token)).not.toBeNull();
    expect(await validateSessionToken(getDb(), mine.token)).not.toBeNull();
    await expectAudited(getDb(), { action: "auth.sign_in_failed", actorUserId: user.id, result: "failure", metadata: { reason: "wrong_password", during: "change_password" } });
  });

  it("V6.3.1 V6.2.3 wrong current passwords count towards the account's lock, which then refuses sign-in and the change alike", async () => {
    const { user, email, password, ctx } = await signedIn();
    for (let i = 0; i < 5; i++) {
      await expect(changePassword(getDb(), ctx, { currentPassword: `guess-number-${i}-wrong`, newPassword: NEW_PASSWORD, meta: metaFor() })).rejects.toMatchObject({ status: 400 });
    }
    await expectAudited(getDb(), { action: "defense.account_locked", targetId: user.id });
    // Locked: even the right current password is refused before it is checked.
    await expect(changePassword(getDb(), ctx, { currentPassword: password, newPassword: NEW_PASSWORD, meta: metaFor() })).rejects.toMatchObject({ status: 423, code: "account_locked" });
    expect(await signIn(getDb(), { email, password, ip: randomIp(), userAgent: null })).toMatchObject({ ok: false, code: "account_locked" });
    expect(await verifyPassword(await storedHash(user.id), password)).toBe(true);
  });

  it("V6.3.1 V2.4.1 the current-password check draws on the sign-in form's own limits (per account and per address)", async () => {
    const { email, password, ctx } = await signedIn();
    // Another client used up the account's sign-in attempts: a stolen session gets no extra guesses here.
    for (let i = 0; i < 10; i++) await consume("sign-in-account", sha256Hex(email));
    await expect(changePassword(getDb(), ctx, { currentPassword: password, newPassword: NEW_PASSWORD, meta: metaFor() })).rejects.toMatchObject({ status: 429 });

    const second = await signedIn();
    const ip = randomIp();
    for (let i = 0; i < 20; i++) await consume("sign-in-ip", ip);
    await expect(changePassword(getDb(), second.ctx, { currentPassword: second.password, newPassword: NEW_PASSWORD, meta: metaFor(ip) })).rejects.toMatchObject({ status: 429 });
  });

  it("V6.2.1 V6.2.4 V6.2.12 the new password meets the sign-up rules: length, the common-password list, not the current one", async () => {
    const { user, password, ctx } = await signedIn();
    const before = await storedHash(user.id);
    for (const [newPassword, field] of [
      ["short-pass1", /at least 12/],
      ["password1234", /commonly used/],
      [password, new RegExp(SAME_PASSWORD)],
    ] as const) {
      const err = await changePassword(getDb(), ctx, { currentPassword: password, newPassword, meta: metaFor() }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 400 });
      expect((err as { fieldErrors: Record<string, string> }).fieldErrors.newPassword).toMatch(field);
    }
    expect(await storedHash(user.id)).toBe(before);
  });
});

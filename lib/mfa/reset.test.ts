import { randomInt } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { recoveryCodes, webauthnCredentials } from "@/db/schema";
import { hasSecondFactor, signIn, validateSessionToken } from "@/lib/auth";
import { makeSession, makeUser } from "@/tests/factories";
import { resetUserMfa } from "./reset";
import { expectAudited } from "@/tests/audit";

describe("operator MFA reset", () => {
  it("V6.4.3 removes every factor, code and session of the user in one go; the next sign-in is password-only", async () => {
    const { user, email, password, organizationId } = await makeUser();
    const other = await makeUser();
    for (const u of [user, other.user]) {
      await getDb().insert(webauthnCredentials).values({ userId: u.id, credentialId: `reset-${u.id}`, publicKey: "AQID", deviceType: "singleDevice", name: "Key" });
      await getDb().insert(recoveryCodes).values({ userId: u.id, codeHash: "$argon2id$placeholder" });
    }
    const session = await makeSession(user.id, organizationId);
    const result = await resetUserMfa(getDb(), email.toUpperCase());
    expect(result).toMatchObject({ userId: user.id, keys: 1, recoveryCodes: 1, sessions: 1 });
    await expectAudited(getDb(), { action: "mfa.reset_by_operator", organizationId: null, targetId: user.id, metadata: { keys: 1, recoveryCodes: 1 } });
    expect(await hasSecondFactor(getDb(), user.id)).toBe(false);
    expect(await validateSessionToken(getDb(), session.token)).toBeNull();
    // Its own address: the worker's other files share the in-memory per-address sign-in limit.
    expect(await signIn(getDb(), { email, password, ip: `198.51.100.${randomInt(1, 255)}`, userAgent: "vitest" })).toMatchObject({ ok: true, mfaRequired: false });
    // nobody else is touched
    expect(await hasSecondFactor(getDb(), other.user.id)).toBe(true);
    expect(await getDb().select().from(recoveryCodes).where(eq(recoveryCodes.userId, other.user.id))).toHaveLength(1);
  });

  it("V6.4.3 says so when no account has that e-mail", async () => {
    expect(await resetUserMfa(getDb(), "nobody-at-all@example.test")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { useFakeClock } from "@/lib/clock";
import { makeSession, makeUser } from "@/tests/factories";
import { lastLinkTo, mailsTo } from "@/tests/outbox";
import { requestPasswordReset, resetPassword } from "./password-reset";
import { validateSessionToken } from "./session";
import { signIn } from "./sign-in";

const meta = { ip: null, userAgent: null };
const NEW_PASSWORD = "quiet-meadow-compass-71";

describe("password reset", () => {
  it("V6.4.3 V7.4.3 resets by a single-use link and revokes every session of the account", async () => {
    const { user, email, organizationId, password } = await makeUser();
    const s1 = await makeSession(user.id, organizationId);
    const s2 = await makeSession(user.id, organizationId);
    await requestPasswordReset(getDb(), email);
    const token = lastLinkTo(email, "/reset-password");
    await resetPassword(getDb(), token, NEW_PASSWORD);
    expect(await validateSessionToken(getDb(), s1.token)).toBeNull();
    expect(await validateSessionToken(getDb(), s2.token)).toBeNull();
    expect((await signIn(getDb(), { email, password, ...meta })).ok).toBe(false);
    expect((await signIn(getDb(), { email, password: NEW_PASSWORD, ...meta })).ok).toBe(true);
    await expect(resetPassword(getDb(), token, "another-fine-passphrase-2")).rejects.toMatchObject({ status: 400 });
    expect(mailsTo(email).at(-1)?.subject).toMatch(/password was changed/);
  });

  it("V6.4.3 a weak new password is refused and the link stays usable", async () => {
    const { email } = await makeUser();
    await requestPasswordReset(getDb(), email);
    const token = lastLinkTo(email, "/reset-password");
    await expect(resetPassword(getDb(), token, "password1234")).rejects.toMatchObject({ status: 400 });
    await expect(resetPassword(getDb(), token, NEW_PASSWORD)).resolves.toBeUndefined();
  });

  it("V6.4.3 an expired link (30 min) is refused", async () => {
    const clock = useFakeClock(new Date());
    const { email } = await makeUser();
    await requestPasswordReset(getDb(), email);
    const token = lastLinkTo(email, "/reset-password");
    clock.advance(31 * 60_000);
    await expect(resetPassword(getDb(), token, NEW_PASSWORD)).rejects.toMatchObject({ status: 400 });
  });

  it("V6.4.3 asking again invalidates the earlier link", async () => {
    const { email } = await makeUser();
    await requestPasswordReset(getDb(), email);
    const first = lastLinkTo(email, "/reset-password");
    await requestPasswordReset(getDb(), email);
    await expect(resetPassword(getDb(), first, NEW_PASSWORD)).rejects.toMatchObject({ status: 400 });
  });

  it("V6.3.8 an unknown address gets the same (silent) treatment and no mail", async () => {
    const email = `ghost-${crypto.randomUUID()}@example.test`;
    await expect(requestPasswordReset(getDb(), email)).resolves.toBeUndefined();
    expect(mailsTo(email)).toHaveLength(0);
  });
});

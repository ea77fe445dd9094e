import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { changePasswordAction } from "@/app/(app)/settings/security/password-actions";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { verifyPassword } from "@/lib/auth";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser } from "@/tests/factories";
import { setRequestCookie, setRequestHeaders } from "@/tests/request-context";

const NEW_PASSWORD = "amber-tundra-whistle-58";

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

async function passwordIs(userId: string, password: string) {
  const [row] = await getDb().select({ h: users.passwordHash }).from(users).where(eq(users.id, userId));
  return verifyPassword(row!.h!, password);
}

describe("change password form", () => {
  it("V6.2.2 V6.2.3 a password-only user changes the password with the current one", async () => {
    const { user, organizationId, password } = await makeUser();
    setRequestCookie("ck_session", (await makeSession(user.id, organizationId)).token);
    setRequestHeaders({ "x-forwarded-for": "198.51.100.23" });
    const state = await changePasswordAction(undefined, form({ currentPassword: password, newPassword: NEW_PASSWORD }));
    expect(state).toMatchObject({ ok: true, message: "Your password was changed. 0 other sessions were signed out." });
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);
  });

  it("V6.2.3 V7.5.1 a user with a second factor steps up first: the right current password alone changes nothing", async () => {
    const { user, organizationId, password } = await makeUser();
    await makeTotpFactor(user.id);
    setRequestCookie("ck_session", (await makeSession(user.id, organizationId)).token);
    const refused = await changePasswordAction(undefined, form({ currentPassword: password, newPassword: NEW_PASSWORD }));
    expect(refused).toMatchObject({ ok: false, mfa: "step_up" });
    expect(await passwordIs(user.id, password)).toBe(true);

    setRequestCookie("ck_session", (await makeSteppedUpSession(user.id, organizationId)).token);
    expect(await changePasswordAction(undefined, form({ currentPassword: password, newPassword: NEW_PASSWORD }))).toMatchObject({ ok: true });
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);
  });

  it("V6.2.3 both fields are required and errors stand next to their field, never echoing a password", async () => {
    const { user, organizationId } = await makeUser();
    setRequestCookie("ck_session", (await makeSession(user.id, organizationId)).token);
    const state = await changePasswordAction(undefined, form({ currentPassword: "", newPassword: "" }));
    expect(state.fieldErrors).toEqual({ currentPassword: "Enter your current password.", newPassword: "Enter a new password." });
    const wrong = await changePasswordAction(undefined, form({ currentPassword: "not-my-password-at-all", newPassword: NEW_PASSWORD }));
    expect(wrong.fieldErrors).toEqual({ currentPassword: "That is not your current password." });
    expect(wrong.values).toEqual({});
  });
});

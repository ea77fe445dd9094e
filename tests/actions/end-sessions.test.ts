import { describe, expect, it } from "vitest";
import { revokeOtherSessionsAction, revokeSessionAction } from "@/app/(app)/settings/sessions/actions";
import { DELETE as deleteSessionRoute } from "@/app/api/sessions/[id]/route";
import { getDb } from "@/db";
import { validateSessionToken } from "@/lib/auth";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser } from "@/tests/factories";
import { setRequestCookie } from "@/tests/request-context";

function form(values: Record<string, string> = {}) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

const alive = async (token: string) => (await validateSessionToken(getDb(), token)) !== null;

function deleteRequest(sessionId: string, token: string, body: unknown) {
  return deleteSessionRoute(
    new Request(`http://localhost:3000/api/sessions/${sessionId}`, {
      method: "DELETE",
      headers: { cookie: `ck_session=${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: sessionId }) },
  );
}

describe("ending sessions asks for a fresh factor", () => {
  it("V7.5.2 a password-only user's session alone ends nothing: no password or a wrong one is refused and counted", async () => {
    const { user, organizationId, password } = await makeUser();
    const mine = await makeSession(user.id, organizationId);
    const other = await makeSession(user.id, organizationId);
    setRequestCookie("ck_session", mine.token);

    expect(await revokeSessionAction(undefined, form({ sessionId: other.sessionId }))).toMatchObject({ ok: false, fieldErrors: { password: "Enter your password to confirm it is you." } });
    expect(await revokeOtherSessionsAction(undefined, form())).toMatchObject({ ok: false, fieldErrors: { password: "Enter your password to confirm it is you." } });
    expect(await revokeOtherSessionsAction(undefined, form({ password: "not-my-password-at-all" }))).toMatchObject({ ok: false, fieldErrors: { password: "That is not your current password." } });
    await expectAudited(getDb(), { action: "auth.sign_in_failed", actorUserId: user.id, result: "failure", metadata: { reason: "wrong_password", during: "reauthenticate" } });
    expect(await alive(other.token)).toBe(true);

    expect(await revokeSessionAction(undefined, form({ sessionId: other.sessionId, password }))).toMatchObject({ ok: true, message: "That session was signed out." });
    expect(await alive(other.token)).toBe(false);
    expect(await alive(mine.token)).toBe(true);
  });

  it("V7.5.2 a user with a second factor steps up first: without it (even with the password) nothing ends", async () => {
    const { user, organizationId, password } = await makeUser();
    await makeTotpFactor(user.id);
    const stale = await makeSession(user.id, organizationId);
    const other = await makeSession(user.id, organizationId);
    setRequestCookie("ck_session", stale.token);
    expect(await revokeSessionAction(undefined, form({ sessionId: other.sessionId, password }))).toMatchObject({ ok: false, mfa: "step_up" });
    expect(await revokeOtherSessionsAction(undefined, form({ password }))).toMatchObject({ ok: false, mfa: "step_up" });
    expect(await alive(other.token)).toBe(true);

    const fresh = await makeSteppedUpSession(user.id, organizationId);
    setRequestCookie("ck_session", fresh.token);
    expect(await revokeOtherSessionsAction(undefined, form())).toMatchObject({ ok: true, message: "2 other sessions were signed out." });
    expect(await alive(other.token)).toBe(false);
    expect(await alive(stale.token)).toBe(false);
    expect(await alive(fresh.token)).toBe(true);
  });

  it("V7.5.2 DELETE /api/sessions/:id refuses without re-authentication: 400 without the password, 403 step-up with a factor", async () => {
    const plain = await makeUser();
    const mine = await makeSession(plain.user.id, plain.organizationId);
    const other = await makeSession(plain.user.id, plain.organizationId);
    const refused = await deleteRequest(other.sessionId, mine.token, {});
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.fields).toEqual({ password: "Enter your password to confirm it is you." });
    expect(await alive(other.token)).toBe(true);
    expect((await deleteRequest(other.sessionId, mine.token, { password: plain.password })).status).toBe(204);
    expect(await alive(other.token)).toBe(false);

    const enrolled = await makeUser();
    await makeTotpFactor(enrolled.user.id);
    const stale = await makeSession(enrolled.user.id, enrolled.organizationId);
    const target = await makeSession(enrolled.user.id, enrolled.organizationId);
    const stepUp = await deleteRequest(target.sessionId, stale.token, { password: enrolled.password });
    expect(stepUp.status).toBe(403);
    expect((await stepUp.json()).error.code).toBe("step_up_required");
    expect(await alive(target.token)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/me/route";
import { refreshSessionAction } from "@/app/session/refresh/actions";
import { getDb } from "@/db";
import { markSessionsForRotation, requirePageSession, validateSessionToken } from "@/lib/auth";
import { makeSession, makeUser } from "@/tests/factories";
import { cookieJar, setRequestCookie, setRequestHeaders } from "@/tests/request-context";

const cookie = (token: string) => ({ cookie: `ck_session=${token}` });

describe("session rotation after a privilege change", () => {
  it("V7.2.4 a page request detours through /session/refresh, whose action issues a new id", async () => {
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    await markSessionsForRotation(getDb(), user.id);
    setRequestCookie("ck_session", token);
    setRequestHeaders({ "x-pathname": "/settings/sessions" });
    const digest = await requirePageSession().then(
      () => "",
      (e: { digest?: string }) => e.digest ?? "",
    );
    expect(digest).toContain("/session/refresh?next=%2Fsettings%2Fsessions");

    const state = await refreshSessionAction(undefined, new FormData());
    expect(state.ok).toBe(true);
    const fresh = cookieJar().get("ck_session")!.value;
    expect(fresh).not.toBe(token);
    expect(await validateSessionToken(getDb(), token)).toBeNull();
    expect((await validateSessionToken(getDb(), fresh))?.session.rotationPending).toBe(false);
  });

  it("V7.2.4 an API request carries the new id in its response; the old token is dead", async () => {
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    await markSessionsForRotation(getDb(), user.id);
    const res = await me(new Request("http://localhost:3000/api/me", { headers: cookie(token) }));
    expect(res.status).toBe(200);
    const fresh = res.headers.get("set-cookie")!.match(/^ck_session=([^;]+);/)![1]!;
    expect((await me(new Request("http://localhost:3000/api/me", { headers: cookie(token) }))).status).toBe(401);
    expect((await me(new Request("http://localhost:3000/api/me", { headers: cookie(fresh) }))).status).toBe(200);
  });
});

import { describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { POST as contact } from "@/app/api/contact/route";
import { GET as me } from "@/app/api/me/route";
import { POST as apiSignOut } from "@/app/api/auth/sign-out/route";
import { POST as apiSignIn } from "@/app/api/auth/sign-in/route";
import { GET as listSessionsRoute } from "@/app/api/sessions/route";
import { DELETE as deleteSession } from "@/app/api/sessions/[id]/route";
import { stubEnv } from "@/tests/env";
import { makeSession, makeUser } from "@/tests/factories";

const URL_BASE = "http://localhost:3000";

function jsonRequest(path: string, body: string, headers: Record<string, string> = {}) {
  return new Request(URL_BASE + path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}
const withCookie = (path: string, token: string, init: RequestInit = {}) =>
  new Request(URL_BASE + path, { ...init, headers: { cookie: `ck_session=${token}`, ...(init.body ? { "content-type": "application/json" } : {}) } });

describe("route handlers: bad input gets a clear 4xx, never a 500", () => {
  it("V2.2.1 malformed JSON is a 400 with a readable message", async () => {
    const res = await contact(jsonRequest("/api/contact", "{not json"));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/not valid JSON/);
  });

  it("V2.2.1 missing fields and wrong types are a 422 naming each field", async () => {
    const res = await contact(jsonRequest("/api/contact", JSON.stringify({ name: 42, email: "nope" })));
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(Object.keys(error.fields).sort()).toEqual(["email", "message", "name"]);
  });

  it("V4.1.1 a body that is not JSON by content type is a 415", async () => {
    const res = await contact(new Request(URL_BASE + "/api/contact", { method: "POST", body: "a=b", headers: { "content-type": "text/plain" } }));
    expect(res.status).toBe(415);
  });

  it("V2.4.1 a huge body is cut off with 413, even when Content-Length lies", async () => {
    const big = JSON.stringify({ name: "x", email: "a@b.co", message: "y".repeat(100_000) });
    expect((await contact(jsonRequest("/api/contact", big))).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const lying = new Request(URL_BASE + "/api/contact", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json", "content-length": "10" },
      duplex: "half",
    } as RequestInit);
    expect((await contact(lying)).status).toBe(413);
  });

  it("V2.2.1 a valid contact message is stored (201)", async () => {
    const res = await contact(jsonRequest("/api/contact", JSON.stringify({ name: "Ann", email: "ann@example.test", message: "Hello there, team!" })));
    expect(res.status).toBe(201);
  });

  it("V16.5.1 an empty body is a 400, not a crash", async () => {
    expect((await contact(jsonRequest("/api/contact", ""))).status).toBe(400);
  });
});

describe("route handlers: sessions", () => {
  it("V7.2.1 a protected route refuses a request without a session (401 JSON)", async () => {
    const res = await me(new Request(URL_BASE + "/api/me"));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthenticated");
  });

  it("V7.2.1 a protected route answers with the session's user and organization", async () => {
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    const res = await me(withCookie("/api/me", token));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: user.id }, organization: { id: organizationId, roleKey: "owner" } });
  });

  it("V7.4.1 a revoked session is refused on the next request", async () => {
    const { user, organizationId, password } = await makeUser();
    const a = await makeSession(user.id, organizationId);
    const b = await makeSession(user.id, organizationId);
    const del = await deleteSession(withCookie(`/api/sessions/${b.sessionId}`, a.token, { method: "DELETE", body: JSON.stringify({ password }) }), {
      params: Promise.resolve({ id: b.sessionId }),
    });
    expect(del.status).toBe(204);
    expect((await me(withCookie("/api/me", b.token))).status).toBe(401);
    const list = await (await listSessionsRoute(withCookie("/api/sessions", a.token))).json();
    expect(list.sessions).toHaveLength(1);
    expect(list.sessions[0].current).toBe(true);
  });

  it("V8.4.1 another tenant's session id reads as not found and stays alive", async () => {
    const victim = await makeUser();
    const attacker = await makeUser();
    const v = await makeSession(victim.user.id, victim.organizationId);
    const a = await makeSession(attacker.user.id, attacker.organizationId);
    const res = await deleteSession(withCookie(`/api/sessions/${v.sessionId}`, a.token, { method: "DELETE", body: JSON.stringify({ password: attacker.password }) }), {
      params: Promise.resolve({ id: v.sessionId }),
    });
    expect(res.status).toBe(404);
    expect((await me(withCookie("/api/me", v.token))).status).toBe(200);
    const junk = await deleteSession(withCookie(`/api/sessions/../../x`, a.token, { method: "DELETE", body: JSON.stringify({ password: attacker.password }) }), {
      params: Promise.resolve({ id: "../../x" }),
    });
    expect(junk.status).toBe(404);
  });

  it("V7.2.4 V3.3.1 JSON sign-in sets a session-only HttpOnly SameSite cookie; wrong password is 401", async () => {
    const { email, password } = await makeUser();
    const ok = await apiSignIn(jsonRequest("/api/auth/sign-in", JSON.stringify({ email, password })));
    expect(ok.status).toBe(200);
    const [cookie, clearedPending, ...rest] = ok.headers.getSetCookie();
    expect(cookie).toMatch(/^ck_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Expires|Max-Age/i);
    // a half-finished MFA sign-in in the same client is cleared, nothing else is set
    expect(clearedPending).toBe("ck_mfa=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    expect(rest).toEqual([]);
    const bad = await apiSignIn(jsonRequest("/api/auth/sign-in", JSON.stringify({ email, password: "nope-nope-nope-1" })));
    expect(bad.status).toBe(401);
  });
});

describe("health", () => {
  it("reports the database state as JSON", async () => {
    const res = await health(new Request(URL_BASE + "/api/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: "ok" });
  });
});

describe("health when the database is down", () => {
  it("V16.5.1 answers 503 JSON without internals", async () => {
    const key = Symbol.for("chargekeep.db");
    const holder = globalThis as unknown as Record<symbol, unknown>;
    const real = holder[key];
    holder[key] = { kind: "postgres", db: { execute: () => Promise.reject(new Error("connection refused 10.0.0.1")) } };
    try {
      const res = await health(new Request(URL_BASE + "/api/health"));
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ status: "unavailable" });
      expect(text).not.toContain("10.0.0.1");
    } finally {
      holder[key] = real;
    }
  });
});

describe("cookies under HTTPS", () => {
  it("V3.3.1 V3.3.4 uses the __Host- prefix with Secure, HttpOnly, SameSite=Lax and no expiry", async () => {
    const { email, password } = await makeUser();
    stubEnv({ APP_URL: "https://app.chargekeep.example" });
    const res = await apiSignIn(jsonRequest("/api/auth/sign-in", JSON.stringify({ email, password })));
    const [cookie, clearedPending] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-ck_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    expect(clearedPending).toBe("__Host-ck_mfa=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0");
  });
});

describe("sign-out under HTTPS", () => {
  it("V7.4.1 V3.3.1 revokes the session and clears the __Host- cookie with a Secure replacement browsers accept", async () => {
    const { user, organizationId } = await makeUser();
    const { token } = await makeSession(user.id, organizationId);
    stubEnv({ APP_URL: "https://app.chargekeep.example" });
    const res = await apiSignOut(
      new Request("https://app.chargekeep.example/api/auth/sign-out", { method: "POST", headers: { cookie: `__Host-ck_session=${token}` } }),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toBe("__Host-ck_session=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0");
    const after = await me(new Request("https://app.chargekeep.example/api/me", { headers: { cookie: `__Host-ck_session=${token}` } }));
    expect(after.status).toBe(401);
  });
});

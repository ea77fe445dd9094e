import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { signUpAction } from "@/app/(auth)/sign-up/actions";
import { POST as contact } from "@/app/api/contact/route";
import { GET as me } from "@/app/api/me/route";
import { GET as listSessionsRoute } from "@/app/api/sessions/route";
import { getDb } from "@/db";
import { contactMessages, memberships, users } from "@/db/schema";
import { decodeCursor } from "@/lib/http/cursor";
import { stubEnv } from "@/tests/env";
import { makeSession, makeUser } from "@/tests/factories";
import { setRequestHeaders } from "@/tests/request-context";
import { z } from "zod";

/** What an attacker adds to a request beyond the fields a form or route expects. */
const URL_BASE = "http://localhost:3000";
let ip = "";
const json = (path: string, body: string) => new Request(URL_BASE + path, { method: "POST", body, headers: { "content-type": "application/json", "x-real-ip": ip } });
const withCookie = (path: string, token: string) => new Request(URL_BASE + path, { headers: { cookie: `ck_session=${token}` } });
const polluted = () => Object.keys(Object.prototype).concat(Object.keys(Function.prototype));

// Each test is its own client address (through the trusted header), so the per-address limits on
// sign-up and the contact form count only this test's requests.
beforeEach(() => {
  stubEnv({ TRUST_PROXY: "vercel" });
  ip = `2001:db8:${crypto.randomUUID().slice(0, 4)}::${crypto.randomUUID().slice(0, 4)}`;
  setRequestHeaders({ "x-real-ip": ip });
});

async function redirected(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (String((e as { digest?: string }).digest).startsWith("NEXT_REDIRECT")) return;
    throw e;
  }
  throw new Error("expected the action to redirect");
}

describe("fields a request was not meant to set", () => {
  it("V15.3.3 V8.2.3 sign-up ignores extra fields: no operator flag, no pre-verified e-mail, no chosen id", async () => {
    const email = `mass-${crypto.randomUUID()}@example.test`;
    const chosenId = crypto.randomUUID();
    const f = new FormData();
    for (const [k, v] of Object.entries({
      name: "Mallory",
      organizationName: "Mallory Ltd",
      email,
      password: "violet-harbor-lantern-93",
      isOperator: "true",
      is_operator: "true",
      emailVerifiedAt: "2020-01-01T00:00:00Z",
      id: chosenId,
      role: "admin",
    })) f.set(k, v);
    await redirected(signUpAction(undefined, f));
    const [user] = await getDb().select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ isOperator: false, emailVerifiedAt: null });
    expect(user!.id).not.toBe(chosenId);
    expect(await getDb().select().from(memberships).where(eq(memberships.userId, chosenId))).toEqual([]);
  });

  it("V15.3.3 a contact message cannot claim a sender, an address, an id or a date", async () => {
    const victim = await makeUser();
    const chosenId = crypto.randomUUID();
    const body = { name: "Eve", email: "eve@example.test", message: "Hello, this is Eve.", id: chosenId, senderUserId: victim.user.id, ip: "203.0.113.7", createdAt: "2001-01-01T00:00:00Z" };
    const res = await contact(json("/api/contact", JSON.stringify(body)));
    expect(res.status).toBe(201);
    expect(await getDb().select().from(contactMessages).where(eq(contactMessages.id, chosenId))).toEqual([]);
    expect(await getDb().select().from(contactMessages).where(eq(contactMessages.senderUserId, victim.user.id))).toEqual([]);
  });
});

describe("prototype pollution", () => {
  it("V15.3.6 __proto__ and constructor.prototype in a JSON body, a form and a page cursor touch no prototype", async () => {
    const before = polluted();
    const evil = '{"name":"Eve","email":"eve@example.test","message":"Hello, this is Eve.","__proto__":{"polluted":"yes","isOperator":true},"constructor":{"prototype":{"polluted2":"yes"}}}';
    expect((await contact(json("/api/contact", evil))).status).toBe(201);

    const f = new FormData();
    f.set("__proto__", "yes");
    f.set("__proto__[polluted3]", "yes");
    f.set("constructor[prototype][polluted4]", "yes");
    f.set("email", "not-an-email");
    expect((await signUpAction(undefined, f)).ok).toBe(false);

    const cursor = Buffer.from('{"__proto__":{"polluted5":"yes"},"at":"2026-01-01T00:00:00.000Z"}').toString("base64url");
    expect(decodeCursor(cursor, z.object({ at: z.string() }), "bad")).toEqual({ at: "2026-01-01T00:00:00.000Z" });

    expect(polluted()).toEqual(before);
    const probe: Record<string, unknown> = {};
    for (const key of ["polluted", "polluted2", "polluted3", "polluted4", "polluted5", "isOperator"]) expect(probe[key], key).toBeUndefined();
  });
});

describe("what API answers contain", () => {
  it("V15.3.1 /api/me and /api/sessions answer only the documented fields: no hashes, tokens, flags or permissions", async () => {
    const { user, organizationId } = await makeUser({ operator: true });
    const { token } = await makeSession(user.id, organizationId);
    const mine = await (await me(withCookie("/api/me", token))).json();
    expect(Object.keys(mine).sort()).toEqual(["organization", "user"]);
    expect(Object.keys(mine.user).sort()).toEqual(["email", "id", "name"]);
    expect(Object.keys(mine.organization).sort()).toEqual(["id", "name", "roleId", "roleKey", "roleName"]);
    const sessions = await (await listSessionsRoute(withCookie("/api/sessions", token))).json();
    expect(sessions.sessions.length).toBeGreaterThan(0);
    for (const s of sessions.sessions) expect(Object.keys(s).sort()).toEqual(["createdAt", "current", "device", "id", "ip", "lastSeenAt"]);
    const text = JSON.stringify({ mine, sessions });
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/argon2|passwordHash|isOperator|permissions/);
  });
});

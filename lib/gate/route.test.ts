import { describe, expect, it } from "vitest";
import { makeSession, makeUser } from "@/tests/factories";
import { route } from "./route";

const handler = route({ auth: true, permission: "members:manage" }, () => Response.json({ ok: true }));
const call = (token: string) => handler(new Request("http://localhost:3000/api/x", { headers: { cookie: `ck_session=${token}` } }));

describe("route() wrapper", () => {
  it("V8.2.1 enforces the declared permission: a viewer gets 403, an owner gets through", async () => {
    const owner = await makeUser();
    const viewer = await makeUser({ organizationId: owner.organizationId, role: "viewer" });
    const denied = await call((await makeSession(viewer.user.id, owner.organizationId)).token);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.code).toBe("forbidden");
    expect((await call((await makeSession(owner.user.id, owner.organizationId)).token)).status).toBe(200);
  });

  it("V14.3.2 every answer is no-store unless its handler chose a caching policy itself", async () => {
    const owner = await makeUser();
    const token = (await makeSession(owner.user.id, owner.organizationId)).token;
    expect((await call(token)).headers.get("cache-control")).toBe("no-store");
    const empty = route({ auth: true }, () => new Response(null, { status: 204 }));
    const req = () => new Request("http://localhost:3000/api/x", { headers: { cookie: `ck_session=${token}` } });
    expect((await empty(req())).headers.get("cache-control")).toBe("no-store");
    const chosen = route({ auth: false }, () => new Response("public", { headers: { "cache-control": "public, max-age=60" } }));
    expect((await chosen(req())).headers.get("cache-control")).toBe("public, max-age=60");
    // Refusals too: no cache keeps a 401 or 403 either.
    expect((await call("not-a-session")).headers.get("cache-control")).toBe("no-store");
  });

  it("V8.2.1 exposes what it enforces for the authorization matrix", () => {
    expect(handler.access).toEqual({ auth: true, permission: "members:manage", allowMustEnrol: false });
  });
});

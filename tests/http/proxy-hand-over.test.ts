import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { requireSessionFromRequest, sessionCookieName } from "@/lib/auth";
import { refreshFirewall, registerFirewallSource, resetFirewallForTests } from "@/lib/firewall/cache";
import type { ActiveRule } from "@/lib/firewall/rule-set";
import { loadFirewall } from "@/lib/firewall/store";
import { route } from "@/lib/gate";
import { cookieValue, requestMetaFrom } from "@/lib/http";
import { PROXY_IP_HEADER, PROXY_STAMP_HEADER } from "@/lib/http/proxy-stamp";
import { proxy } from "@/proxy";
import { stubEnv } from "@/tests/env";
import { makeSession, makeUser } from "@/tests/factories";

/**
 * Item 6 of issue 19: the proxy works out the client address and the global firewall verdict once and
 * hands them to the app with the request; the app believes the hand-over only with this process's
 * stamp. Tests run the proxy itself and then the gate with the request headers it forwarded.
 */
const CLEAN = "198.51.100.20";
const SPOOF = "192.0.2.66";
const GLOBALLY_DENIED = "203.0.113.70";

/** The request headers proxy.ts handed on to the page or handler (Next carries them as x-middleware-request-*). */
async function forwarded(path: string, headers: Record<string, string>): Promise<Headers> {
  const res = await proxy(new NextRequest(new URL(path, "http://localhost:3000"), { headers }));
  expect(res.status, "the proxy let the request through").toBe(200);
  const out = new Headers();
  for (const name of (res.headers.get("x-middleware-override-headers") ?? "").split(",")) {
    const value = res.headers.get(`x-middleware-request-${name}`);
    if (name && value !== null) out.set(name, value);
  }
  return out;
}

describe("proxy hand-over: one client address and one global firewall verdict per request", () => {
  it("V4.1.3 V16.2.1 the proxy hands on the address it trusted; a client's own copy of the hand-over headers never reaches the app", async () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    const h = await forwarded("/sign-in", { "x-real-ip": CLEAN, [PROXY_IP_HEADER]: SPOOF, [PROXY_STAMP_HEADER]: "guess" });
    expect(h.get(PROXY_IP_HEADER)).toBe(CLEAN);
    expect(h.get(PROXY_STAMP_HEADER)).not.toBe("guess");
    expect(requestMetaFrom(h).ip).toBe(CLEAN);
    // the app believes the stamp, not a header it could recompute differently later
    h.set("x-real-ip", SPOOF);
    expect(requestMetaFrom(h).ip).toBe(CLEAN);
  });

  it("V4.1.3 V16.2.1 without this process's stamp the hand-over headers are ignored and the address comes from the trusted header", () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    const forged = new Headers({ "x-real-ip": CLEAN, [PROXY_IP_HEADER]: SPOOF, [PROXY_STAMP_HEADER]: "a".repeat(43) });
    expect(requestMetaFrom(forged).ip).toBe(CLEAN);
    stubEnv({ TRUST_PROXY: "none" });
    expect(requestMetaFrom(forged).ip).toBeNull();
  });

  describe("the gate decides only what the proxy could not", () => {
    const rules: ActiveRule[] = [{ id: "g1", scope: "global", organizationId: null, cidr: "203.0.113.64/26", action: "deny", expiresAt: null }];
    beforeAll(async () => {
      resetFirewallForTests();
      registerFirewallSource({ readVersion: async () => 1, readRules: async () => rules });
      await refreshFirewall(true);
    });
    afterAll(async () => {
      resetFirewallForTests();
      await loadFirewall(getDb()); // the database-backed cache, for the other files of this worker
    });

    it("V8.2.1 V4.1.3 a request the proxy did not stamp still meets the global rules in the gate", async () => {
      stubEnv({ TRUST_PROXY: "vercel" });
      const owner = await makeUser();
      const { token } = await makeSession(owner.user.id, owner.organizationId);
      const direct = new Request("http://localhost:3000/api/me", { headers: { cookie: `${sessionCookieName()}=${token}`, "x-real-ip": GLOBALLY_DENIED } });
      await expect(requireSessionFromRequest(direct)).rejects.toMatchObject({ status: 403, code: "network_refused" });
      // the same request through the proxy never reaches the gate
      const res = await proxy(new NextRequest(new URL("/api/me", "http://localhost:3000"), { headers: { cookie: `${sessionCookieName()}=${token}`, "x-real-ip": GLOBALLY_DENIED } }));
      expect(res.status).toBe(403);
    });

    it("V8.2.1 a stamped request meets its organization's allow-list in the gate, with the proxy's address", async () => {
      stubEnv({ TRUST_PROXY: "vercel" });
      const owner = await makeUser();
      const { token } = await makeSession(owner.user.id, owner.organizationId);
      rules.push({ id: "o1", scope: "organization", organizationId: owner.organizationId, cidr: "198.51.100.0/28", action: "allow", expiresAt: null });
      await refreshFirewall(true);
      const inside = await forwarded("/api/me", { cookie: `${sessionCookieName()}=${token}`, "x-real-ip": "198.51.100.5" });
      expect((await requireSessionFromRequest(new Request("http://localhost:3000/api/me", { headers: inside }))).user.id).toBe(owner.user.id);
      const outside = await forwarded("/api/me", { cookie: `${sessionCookieName()}=${token}`, "x-real-ip": CLEAN });
      await expect(requireSessionFromRequest(new Request("http://localhost:3000/api/me", { headers: outside }))).rejects.toMatchObject({ status: 403, code: "network_refused" });
    });
  });
});

describe("one cookie reader", () => {
  it("V16.5.3 a cookie that is not valid percent-encoding counts as absent: 401, not a 500", async () => {
    expect(cookieValue("a=1; ck_session=%E0%A4%A", "ck_session")).toBeUndefined();
    expect(cookieValue("a=1;  ck_session=abc ", "ck_session")).toBe("abc");
    expect(cookieValue("xck_session=abc", "ck_session")).toBeUndefined();
    const handler = route({ auth: true }, () => Response.json({ ok: true }));
    const res = await handler(new Request("http://localhost:3000/api/x", { headers: { cookie: `${sessionCookieName()}=%E0%A4%A` } }));
    expect(res.status).toBe(401);
  });
});

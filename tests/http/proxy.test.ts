import { useFakeClock } from "@/lib/clock";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { refreshFirewall, registerFirewallSource, resetFirewallForTests } from "@/lib/firewall/cache";
import type { ActiveRule } from "@/lib/firewall/rule-set";
import { loadFirewall } from "@/lib/firewall/store";
import { EDGE_IP_HEADER, EDGE_SECRET_HEADER } from "@/lib/http/client-ip";
import { resetEdgeLimitsForTests } from "@/lib/ratelimit/edge";
import { policies } from "@/lib/ratelimit/policies";
import { proxy } from "@/proxy";
import { stubEnv } from "@/tests/env";

function req(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new NextRequest(new URL(path, "http://localhost:3000"), { method: init.method ?? "GET", headers: init.headers, body: init.body });
}

/** A page's own form as a browser posts it before the page's JavaScript has loaded (lib/http/page-post.ts). */
function formPost(headers: Record<string, string>, padding = 0) {
  const body = `--b\r\nContent-Disposition: form-data; name="$ACTION_ID_${"ab".repeat(21)}"\r\n\r\n\r\n--b\r\nContent-Disposition: form-data; name="note"\r\n\r\n${"x".repeat(padding)}\r\n--b--\r\n`;
  return { method: "POST", body, headers: { "content-type": "multipart/form-data; boundary=b", "content-length": String(Buffer.byteLength(body)), ...headers } };
}

afterEach(() => vi.unstubAllEnvs());

describe("proxy: security headers", () => {
  it("V3.4.3 V3.4.6 production pages get a nonce CSP without unsafe-inline/eval for scripts, and frame-ancestors 'none'", async () => {
    stubEnv({ NODE_ENV: "production" });
    const res = (await proxy(req("/sign-in")));
    const csp = res.headers.get("content-security-policy")!;
    const script = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
    expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(script).toContain("'strict-dynamic'");
    expect(script).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it("V3.4.3 a fresh nonce on every request, handed to the page through the request headers", async () => {
    const a = (await proxy(req("/"))).headers.get("content-security-policy");
    const b = (await proxy(req("/"))).headers.get("content-security-policy");
    expect(a).not.toBe(b);
    const forwarded = (await proxy(req("/"))).headers.get("x-middleware-request-x-nonce");
    expect(forwarded).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
  });

  it("V3.4.1 V3.4.4 V3.4.5 V3.4.8 sends HSTS (2 years, subdomains, preload) in production, nosniff, referrer, permissions and COOP", async () => {
    stubEnv({ NODE_ENV: "production" });
    const h = (await proxy(req("/"))).headers;
    expect(h.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains; preload");
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("referrer-policy")).toBe("same-origin");
    expect(h.get("permissions-policy")).toContain("camera=()");
    expect(h.get("cross-origin-opener-policy")).toBe("same-origin");
  });

  it("V3.4.1 also on refusals and redirects", async () => {
    stubEnv({ NODE_ENV: "production" });
    const res = (await proxy(req("/dashboard")));
    expect(res.headers.get("strict-transport-security")).toContain("max-age=63072000");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("proxy: transport", () => {
  it("V12.2.1 redirects plain HTTP to HTTPS behind a trusted proxy in production", async () => {
    stubEnv({ NODE_ENV: "production" });
    stubEnv({ TRUST_PROXY: "heroku" });
    stubEnv({ APP_URL: "https://app.chargekeep.example" });
    const res = (await proxy(req("/sign-in?x=1", { headers: { "x-forwarded-proto": "http" } })));
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe("https://app.chargekeep.example/sign-in?x=1");
  });

  it("V4.1.2 V12.2.1 plain-HTTP API requests get a JSON error, not a redirect; pages are still redirected", async () => {
    stubEnv({ NODE_ENV: "production", TRUST_PROXY: "heroku", APP_URL: "https://app.chargekeep.example" });
    const http = { "x-forwarded-proto": "http" };
    for (const [method, path] of [["GET", "/api/me"], ["POST", "/api/auth/sign-in"], ["DELETE", "/api/sessions/abc"], ["GET", "/api/health"]] as const) {
      const res = await proxy(req(path, { method, headers: { ...http, "content-type": "application/json" } }));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get("location"), path).toBeNull();
      expect(await res.json()).toEqual({ error: { code: "https_required", message: "This API answers over HTTPS only. Send the request to https://app.chargekeep.example instead." } });
      expect(res.headers.get("strict-transport-security")).toContain("max-age=63072000");
    }
    for (const path of ["/dashboard", "/sign-in", "/apix", "/settings/api"]) {
      const res = await proxy(req(path, { headers: http }));
      expect(res.status, path).toBe(308);
      expect(res.headers.get("location")).toBe(`https://app.chargekeep.example${path}`);
    }
    // Over HTTPS the API is answered as usual.
    expect((await proxy(req("/api/health", { headers: { "x-forwarded-proto": "https" } }))).status).not.toBe(403);
  });

  it("V12.2.1 ignores x-forwarded-proto when no proxy is trusted (a client cannot trigger redirects)", async () => {
    stubEnv({ NODE_ENV: "production" });
    const res = (await proxy(req("/sign-in", { headers: { "x-forwarded-proto": "http" } })));
    expect(res.status).toBe(200);
  });
});

describe("proxy: CSRF", () => {
  it("V3.5.1 V3.5.3 refuses a state-changing request from a foreign Origin", async () => {
    const res = (await proxy(req("/sign-in", { method: "POST", headers: { origin: "https://evil.example" } })));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("csrf_origin");
  });

  it("V3.5.3 refuses a cross-site request that hides its Origin", async () => {
    const res = (await proxy(req("/api/contact", { method: "POST", headers: { "sec-fetch-site": "cross-site" } })));
    expect(res.status).toBe(403);
  });

  it("V3.5.1 lets our own origin through, and safe methods from anywhere", async () => {
    expect((await proxy(req("/sign-in", formPost({ origin: "http://localhost:3000" })))).status).toBe(200);
    expect((await proxy(req("/sign-in", { headers: { origin: "https://evil.example" } }))).status).toBe(200);
  });
});

describe("proxy: sign-in required", () => {
  it("V8.3.1 sends pages without a session cookie to sign-in, remembering where they were going", async () => {
    const res = (await proxy(req("/settings/sessions")));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("http://localhost:3000/sign-in?next=%2Fsettings%2Fsessions");
  });

  it("V8.3.1 answers API calls without a session with 401 JSON", async () => {
    expect((await proxy(req("/api/me"))).status).toBe(401);
  });

  it("V8.3.1 lets public pages through without a session", async () => {
    for (const p of ["/", "/sign-in", "/sign-up", "/contact", "/api/health", "/.well-known/security.txt"]) {
      expect((await proxy(req(p))).status, p).toBe(200);
    }
  });
});

const BLOCKED = "203.0.113.66";
const CLEAN = "198.51.100.20";
const html = { accept: "text/html,application/xhtml+xml" };

describe("proxy: global firewall from the cached rule set", () => {
  beforeAll(async () => {
    // An in-memory rule source: the proxy never reads the database itself.
    const rules: ActiveRule[] = [
      { id: "r1", scope: "global", organizationId: null, cidr: "203.0.113.64/26", action: "deny", expiresAt: null },
      { id: "r2", scope: "global", organizationId: null, cidr: "2001:db8:bad::/48", action: "deny", expiresAt: null },
    ];
    resetFirewallForTests();
    registerFirewallSource({ readVersion: async () => 1, readRules: async () => rules });
    await refreshFirewall(true);
  });
  afterAll(async () => {
    resetFirewallForTests();
    await loadFirewall(getDb()); // the database-backed cache, for the other files of this worker
  });
  beforeEach(() => resetEdgeLimitsForTests());

  it("refuses a denied address with 403 before anything else: a readable page for browsers, JSON for the API", async () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    const page = (await proxy(req("/sign-in", { headers: { "x-real-ip": BLOCKED, ...html } })));
    expect(page.status).toBe(403);
    expect(page.headers.get("content-type")).toContain("text/html");
    const text = await page.text();
    expect(text).toContain("<h1>Access blocked</h1>");
    expect(text).not.toContain("203.0.113"); // never names the rule
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");

    const api = (await proxy(req("/api/health", { headers: { "x-real-ip": "2001:db8:bad::7" } })));
    expect(api.status).toBe(403);
    expect((await api.json()).error.code).toBe("network_blocked");
    expect((await proxy(req("/sign-in", { headers: { "x-real-ip": CLEAN } }))).status).toBe(200);
  });

  it("V4.1.3 V16.2.1 TRUST_PROXY=vercel: only x-real-ip counts; a spoofed X-Forwarded-For neither blocks nor unblocks", async () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    expect((await proxy(req("/", { headers: { "x-real-ip": BLOCKED, "x-forwarded-for": CLEAN } }))).status).toBe(403);
    expect((await proxy(req("/", { headers: { "x-real-ip": CLEAN, "x-forwarded-for": BLOCKED } }))).status).toBe(200);
  });

  it("V4.1.3 V16.2.1 TRUST_PROXY=heroku: only the last X-Forwarded-For entry (the router's) counts", async () => {
    stubEnv({ TRUST_PROXY: "heroku" });
    expect((await proxy(req("/", { headers: { "x-forwarded-for": `${CLEAN}, ${BLOCKED}` } }))).status).toBe(403);
    expect((await proxy(req("/", { headers: { "x-forwarded-for": `${BLOCKED}, ${CLEAN}` } }))).status).toBe(200);
    expect((await proxy(req("/", { headers: { "x-forwarded-for": CLEAN, "x-real-ip": BLOCKED } }))).status).toBe(200);
  });

  it("V4.1.3 V16.2.1 TRUST_PROXY=none: only our server's stamp with the per-boot secret counts", async () => {
    stubEnv({ TRUST_PROXY: "none" });
    vi.stubEnv("CK_EDGE_SECRET", "boot-secret");
    const stamped = (ip: string, extra: Record<string, string> = {}) => ({ [EDGE_IP_HEADER]: ip, [EDGE_SECRET_HEADER]: "boot-secret", ...extra });
    expect((await proxy(req("/", { headers: stamped(BLOCKED, { "x-forwarded-for": CLEAN, "x-real-ip": CLEAN }) }))).status).toBe(403);
    expect((await proxy(req("/", { headers: stamped(CLEAN, { "x-forwarded-for": BLOCKED, "x-real-ip": BLOCKED }) }))).status).toBe(200);
    // a client forging the stamp without the secret is not believed
    expect((await proxy(req("/", { headers: { [EDGE_IP_HEADER]: BLOCKED, [EDGE_SECRET_HEADER]: "guess" } }))).status).toBe(200);
  });
});

describe("proxy: per-IP request limits", () => {
  beforeEach(() => {
    // Frozen time: a loop that straddles a window boundary in real time would see the sliding
    // window's rounding let one extra request through, and the test would be flaky.
    useFakeClock(new Date("2026-03-02T10:00:30Z"));
    resetEdgeLimitsForTests();
    stubEnv({ TRUST_PROXY: "vercel", RATE_LIMIT_IP_MULTIPLIER: "1" });
  });

  it("V2.4.1 after the global per-IP limit a browser gets a readable 429 page with Retry-After and RateLimit headers", async () => {
    const ip = "192.0.2.10";
    for (let i = 0; i < policies["global-ip"].limit; i++) expect((await proxy(req("/sign-in", { headers: { "x-real-ip": ip } }))).status).toBe(200);
    const res = (await proxy(req("/sign-in", { headers: { "x-real-ip": ip, ...html } })));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("ratelimit-limit")).toBe(String(policies["global-ip"].limit));
    expect(res.headers.get("ratelimit-remaining")).toBe("0");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(text).toContain("<h1>Too many requests</h1>");
    expect(text).toMatch(/Too many requests from your network\. Wait \d+ seconds? and try again\./);
    // another address is unaffected
    expect((await proxy(req("/sign-in", { headers: { "x-real-ip": "192.0.2.11" } }))).status).toBe(200);
  });

  it("V2.4.1 API calls have their own, lower per-IP limit and get JSON", async () => {
    const ip = "2001:db8:1::10";
    for (let i = 0; i < policies["api-ip"].limit; i++) expect((await proxy(req("/api/health", { headers: { "x-real-ip": ip } }))).status).toBe(200);
    const res = (await proxy(req("/api/health", { headers: { "x-real-ip": ip, ...html } })));
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: "rate_limited", message: /Too many API requests from your network/ } });
    // pages are still served to that address
    expect((await proxy(req("/sign-in", { headers: { "x-real-ip": ip } }))).status).toBe(200);
  });

  it("V2.4.1 a spoofed X-Forwarded-For does not spread one client over many counters", async () => {
    const ip = "192.0.2.12";
    for (let i = 0; i < policies["global-ip"].limit; i++) (await proxy(req("/", { headers: { "x-real-ip": ip, "x-forwarded-for": `10.0.${i % 250}.1` } })));
    expect((await proxy(req("/", { headers: { "x-real-ip": ip, "x-forwarded-for": "10.9.9.9" } }))).status).toBe(429);
  });
});

describe("proxy: request size", () => {
  it("V2.4.1 refuses a declared body over 1 MB with 413 and a readable message", async () => {
    const big = { method: "POST", headers: { origin: "http://localhost:3000", "content-length": String(2 * 1024 * 1024) } };
    const api = (await proxy(req("/api/contact", big)));
    expect(api.status).toBe(413);
    expect(await api.json()).toMatchObject({ error: { code: "payload_too_large", message: "The request is larger than 1 MB, the most ChargeKeep accepts. Send less data." } });
    const page = (await proxy(req("/contact", { ...big, headers: { ...big.headers, ...html } })));
    expect(page.status).toBe(413);
    expect(await page.text()).toContain("Request too large");
    expect((await proxy(req("/contact", formPost({ origin: "http://localhost:3000" }, 1000)))).status).toBe(200);
  });
});

describe("proxy: malformed input", () => {
  const local = { origin: "http://localhost:3000", cookie: "ck_session=x" };

  it("V1.1.1 V2.2.1 refuses a NUL or bytes that are not UTF-8 anywhere in the address, for pages and the API alike", async () => {
    for (const path of ["/admin/members?q=a%00", "/transactions?q=%C3%28", "/admin/members/%FF", "/x?q=%ED%A0%80", "/admin/members/100%"]) {
      const page = await proxy(req(path, { headers: { ...local, ...html } }));
      expect(page.status, path).toBe(400);
      expect(page.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(await page.text(), path).toContain("Address not understood");
    }
    const api = await proxy(req("/api/reports/transactions.csv?q=a%00", { headers: local }));
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ error: { code: "invalid_url", message: "This address contains a NUL character, which ChargeKeep does not accept. Check the link and try again." } });
    expect((await proxy(req("/transactions?q=100%25%20off", { headers: local }))).status).toBe(200);
  });

  it("V4.1.4 pages answer GET, HEAD and POST only: other methods get a readable 405", async () => {
    const res = await proxy(req("/sign-in", { method: "DELETE", headers: { ...local, ...html } }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(await res.text()).toContain("ChargeKeep&#39;s pages do not accept DELETE requests.");
  });

  it("V2.2.1 V16.5.1 a page POST that is not one of its forms is refused before Next's action machinery", async () => {
    const urlencoded = await proxy(req("/sign-in", { method: "POST", headers: { ...local, ...html, "content-type": "application/x-www-form-urlencoded" }, body: "a=1" }));
    expect(urlencoded.status).toBe(415);
    const broken = await proxy(req("/sign-in", { method: "POST", headers: { ...local, ...html, "content-type": "multipart/form-data; boundary=b" }, body: "garbage" }));
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain("This form could not be read");
    // Streamed past the action limit with no length declared: counted as it arrives.
    const streamed = formPost({ origin: "http://localhost:3000" }, 300 * 1024);
    delete (streamed.headers as Record<string, string>)["content-length"];
    const big = await proxy(req("/sign-in", streamed));
    expect(big.status).toBe(413);
    expect(await proxy(req("/sign-in", formPost({ origin: "http://localhost:3000" }, 300 * 1024)))).toHaveProperty("status", 413);
  });

  it("V16.5.1 a refused fetch action gets exactly text/plain, which Next's client shows to the person", async () => {
    const res = await proxy(req("/sign-in", { method: "POST", headers: { ...local, "next-action": "ab".repeat(21), "content-type": "multipart/form-data; boundary=b" }, body: "--b\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\ngarbage\r\n--b--\r\n" }));
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(await res.text()).toBe("This form could not be read: the request is not a form from this page. Reload the page and try again.");
  });
});

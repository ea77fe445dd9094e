import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";
import { stubEnv } from "@/tests/env";

function req(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new NextRequest(new URL(path, "http://localhost:3000"), { method: init.method ?? "GET", headers: init.headers });
}

afterEach(() => vi.unstubAllEnvs());

describe("proxy: security headers", () => {
  it("V3.4.3 V3.4.6 production pages get a nonce CSP without unsafe-inline/eval for scripts, and frame-ancestors 'none'", () => {
    stubEnv({ NODE_ENV: "production" });
    const res = proxy(req("/sign-in"));
    const csp = res.headers.get("content-security-policy")!;
    const script = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
    expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(script).toContain("'strict-dynamic'");
    expect(script).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it("V3.4.3 a fresh nonce on every request, handed to the page through the request headers", () => {
    const a = proxy(req("/")).headers.get("content-security-policy");
    const b = proxy(req("/")).headers.get("content-security-policy");
    expect(a).not.toBe(b);
    const forwarded = proxy(req("/")).headers.get("x-middleware-request-x-nonce");
    expect(forwarded).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
  });

  it("V3.4.1 V3.4.4 V3.4.5 V3.4.8 sends HSTS (2 years, subdomains, preload) in production, nosniff, referrer, permissions and COOP", () => {
    stubEnv({ NODE_ENV: "production" });
    const h = proxy(req("/")).headers;
    expect(h.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains; preload");
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("referrer-policy")).toBe("same-origin");
    expect(h.get("permissions-policy")).toContain("camera=()");
    expect(h.get("cross-origin-opener-policy")).toBe("same-origin");
  });

  it("V3.4.1 also on refusals and redirects", () => {
    stubEnv({ NODE_ENV: "production" });
    const res = proxy(req("/dashboard"));
    expect(res.headers.get("strict-transport-security")).toContain("max-age=63072000");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("proxy: transport", () => {
  it("V12.2.1 redirects plain HTTP to HTTPS behind a trusted proxy in production", () => {
    stubEnv({ NODE_ENV: "production" });
    stubEnv({ TRUST_PROXY: "heroku" });
    stubEnv({ APP_URL: "https://app.chargekeep.example" });
    const res = proxy(req("/sign-in?x=1", { headers: { "x-forwarded-proto": "http" } }));
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe("https://app.chargekeep.example/sign-in?x=1");
  });

  it("V12.2.1 ignores x-forwarded-proto when no proxy is trusted (a client cannot trigger redirects)", () => {
    stubEnv({ NODE_ENV: "production" });
    const res = proxy(req("/sign-in", { headers: { "x-forwarded-proto": "http" } }));
    expect(res.status).toBe(200);
  });
});

describe("proxy: CSRF", () => {
  it("V3.5.1 V3.5.3 refuses a state-changing request from a foreign Origin", async () => {
    const res = proxy(req("/sign-in", { method: "POST", headers: { origin: "https://evil.example" } }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("csrf_origin");
  });

  it("V3.5.3 refuses a cross-site request that hides its Origin", () => {
    const res = proxy(req("/api/contact", { method: "POST", headers: { "sec-fetch-site": "cross-site" } }));
    expect(res.status).toBe(403);
  });

  it("V3.5.1 lets our own origin through, and safe methods from anywhere", () => {
    expect(proxy(req("/sign-in", { method: "POST", headers: { origin: "http://localhost:3000" } })).status).toBe(200);
    expect(proxy(req("/sign-in", { headers: { origin: "https://evil.example" } })).status).toBe(200);
  });
});

describe("proxy: sign-in required", () => {
  it("V8.3.1 sends pages without a session cookie to sign-in, remembering where they were going", () => {
    const res = proxy(req("/settings/sessions"));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("http://localhost:3000/sign-in?next=%2Fsettings%2Fsessions");
  });

  it("V8.3.1 answers API calls without a session with 401 JSON", () => {
    expect(proxy(req("/api/me")).status).toBe(401);
  });

  it("V8.3.1 lets public pages through without a session", () => {
    for (const p of ["/", "/sign-in", "/sign-up", "/contact", "/api/health", "/.well-known/security.txt"]) {
      expect(proxy(req(p)).status, p).toBe(200);
    }
  });
});

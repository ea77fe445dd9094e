import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { BEARER_TOKEN_PREFIX, isPublicPath } from "@/lib/http/public-paths";
import { proxy } from "@/proxy";
import { appInventory, PUBLIC_PAGES } from "./app-inventory";

/**
 * Every route, page and action found in app/ must refuse a caller without a session, unless it is
 * on these lists. A new route that forgets the gate fails here.
 */
const PUBLIC_ROUTES = new Set([
  "/api/health",
  "/api/ping",
  "/api/contact",
  "/api/cron/alerts",
  "/api/cron/sync",
  "/api/cron/backup",
  "/api/auth/sign-in",
  "/api/auth/passkey/options",
  "/api/auth/passkey/verify",
  "/.well-known/security.txt",
]);
const PUBLIC_ACTIONS = new Set(["signInAction", "signUpAction", "verifyEmailAction", "forgotPasswordAction", "resetPasswordAction", "contactAction", "signOutAction", "joinWithNewAccountAction", "unlockAccountWithLinkAction", "requestUnlockLinkAction"]);

const inventory = appInventory();
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

describe("anonymous access, walked from the code", () => {
  it("V8.1.1 finds the app's routes, pages and actions", () => {
    expect(inventory.routes.length).toBeGreaterThanOrEqual(8);
    expect(inventory.pages.length).toBeGreaterThanOrEqual(12);
    expect(inventory.actionModules.length).toBeGreaterThanOrEqual(8);
  });

  it.each(inventory.routes.map((r) => [r.path, r.file] as const))("V8.2.1 V7.2.1 route %s refuses an anonymous caller unless public", async (urlPath, file) => {
    const mod = (await import(file)) as Record<string, unknown>;
    const handlers = METHODS.filter((m) => typeof mod[m] === "function");
    expect(handlers.length).toBeGreaterThan(0);
    for (const method of handlers) {
      const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
      const req = new Request(`http://localhost:3000${urlPath}`, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      });
      const res = await handler(req, { params: Promise.resolve({ id: "0".repeat(64) }) });
      expect(res.status, `${method} ${urlPath}`).toBeLessThan(500);
      if (PUBLIC_ROUTES.has(urlPath)) expect(res.status, `${method} ${urlPath}`).not.toBe(401);
      else expect(res.status, `${method} ${urlPath}`).toBe(401);
      // and the middleware agrees before the handler is even reached; SCIM routes authenticate by
      // bearer token in the handler (401 above without one), so the proxy lets them through
      const bearerOnly = urlPath.startsWith(BEARER_TOKEN_PREFIX);
      expect(isPublicPath(urlPath), urlPath).toBe(PUBLIC_ROUTES.has(urlPath) || bearerOnly);
    }
  });

  it.each(inventory.pages.map((p) => [p.path] as const))("V8.2.1 page %s is sent to sign-in without a session unless public", async (urlPath) => {
    const res = (await proxy(new NextRequest(new URL(urlPath, "http://localhost:3000"))));
    if (PUBLIC_PAGES.has(urlPath)) expect(res.status).toBe(200);
    else {
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toContain("/sign-in");
    }
  });

  it.each(inventory.actionModules.map((a) => [a.file] as const))("V8.2.1 V7.2.1 server actions in %s refuse an anonymous caller unless public", async (file) => {
    const mod = (await import(file)) as Record<string, unknown>;
    const actions = Object.entries(mod).filter(([, v]) => typeof v === "function");
    expect(actions.length).toBeGreaterThan(0);
    for (const [name, fn] of actions) {
      const form = new FormData();
      let state: unknown;
      try {
        state = await (fn as (prev: unknown, f: FormData) => Promise<unknown>)(undefined, form);
      } catch (e) {
        // public actions may redirect (e.g. sign-out); protected ones must never get that far
        expect(PUBLIC_ACTIONS.has(name), `${name} threw ${String(e)}`).toBe(true);
        continue;
      }
      const access = (fn as { access?: { auth: boolean | "mfa_pending" } }).access;
      if (PUBLIC_ACTIONS.has(name)) expect(state, name).not.toMatchObject({ message: "Please sign in to continue." });
      // second-factor actions want the MFA-pending session that only a correct password creates
      else if (access?.auth === "mfa_pending") expect(state, name).toMatchObject({ ok: false, message: /Sign in again with your password/ });
      else expect(state, name).toMatchObject({ ok: false, message: "Please sign in to continue." });
    }
  });
});

import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { organizationMfaPolicies } from "@/db/schema";
import { createSession } from "@/lib/auth";
import { isMfaPendingPath, isPublicPath } from "@/lib/http/public-paths";
import { proxy } from "@/proxy";
import { makeUser } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { appInventory } from "./app-inventory";

/**
 * Walked from the code, not a hand-picked few: a password-only (MFA-pending) session reaches
 * nothing but the MFA verification entry points, and a member whose organization's MFA deadline
 * has passed reaches nothing but enrolment (and sign-out / organization switch).
 */
type Access = { auth: boolean | "mfa_pending"; permission: string | null; allowMustEnrol?: boolean };
type Handler = ((...a: unknown[]) => Promise<unknown>) & { access?: Access };

const inventory = appInventory();
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const ZERO_ID = "00000000-0000-4000-8000-000000000000";
/** Pages that must render for a member who has to enrol now. */
const ENROLMENT_PAGES = new Set(["/settings/security"]);

let pendingUser: { userId: string; organizationId: string };
let mustEnrolUser: { userId: string; organizationId: string };

/** A fresh session per call: some entry points (sign-out) end the session they are called with. */
const pendingToken = async () => (await createSession(getDb(), { ...pendingUser, ip: null, userAgent: "vitest", stage: "mfa_pending" })).token;
const mustEnrolToken = async () => (await createSession(getDb(), { ...mustEnrolUser, ip: null, userAgent: "vitest" })).token;

beforeAll(async () => {
  const p = await makeUser();
  pendingUser = { userId: p.user.id, organizationId: p.organizationId };
  // An organization that requires MFA of everyone, with no grace: its member without a factor must enrol.
  const owner = await makeUser();
  await getDb()
    .insert(organizationMfaPolicies)
    .values({ organizationId: owner.organizationId, policy: "all", graceDays: 0, since: new Date(Date.now() - 60_000) });
  mustEnrolUser = { userId: owner.user.id, organizationId: owner.organizationId };
});

async function callRoute(handler: Handler, method: string, urlPath: string, cookie: string) {
  const req = new Request(`http://localhost:3000${urlPath}`, {
    method,
    headers: { cookie, "content-type": "application/json" },
    body: method === "GET" ? undefined : "{}",
  });
  return (await handler(req, { params: Promise.resolve({ id: ZERO_ID, userId: ZERO_ID, roleId: ZERO_ID, groupId: ZERO_ID }) })) as Response;
}

const digestOf = (e: unknown) => String((e as { digest?: string })?.digest ?? "");

async function callPage(file: string): Promise<string> {
  const mod = (await import(file)) as { default: (p: unknown) => Promise<unknown> };
  const ids = { id: ZERO_ID, userId: ZERO_ID, roleId: ZERO_ID, groupId: ZERO_ID };
  try {
    await mod.default({ params: Promise.resolve(ids), searchParams: Promise.resolve({}) });
    return "ok";
  } catch (e) {
    const d = digestOf(e);
    if (d.startsWith("NEXT_REDIRECT")) return `redirect:${d.split(";")[2] ?? ""}`;
    if (d.endsWith(";404")) return "not_found";
    if (d.endsWith(";403")) return "forbidden";
    throw e;
  }
}

describe("MFA-pending session: the password alone reaches nothing", () => {
  it.each(inventory.routes.map((r) => [r.path, r.file] as const))("V6.3.3 V8.2.1 route %s refuses an MFA-pending session", async (urlPath, file) => {
    const mod = (await import(file)) as Record<string, Handler>;
    for (const method of METHODS.filter((m) => typeof mod[m] === "function")) {
      const handler = mod[method]!;
      const stage = handler.access?.auth;
      // the pending token presented as a session cookie is not a session...
      const asSession = await callRoute(handler, method, urlPath, `ck_session=${await pendingToken()}`);
      if (stage === true) expect(asSession.status, `${method} ${urlPath} with the pending token as session`).toBe(401);
      // ...and in its own cookie it opens only the MFA verification endpoints
      const asPending = await callRoute(handler, method, urlPath, `ck_mfa=${await pendingToken()}`);
      if (stage === true) expect(asPending.status, `${method} ${urlPath}`).toBe(401);
      if (stage === "mfa_pending") expect(isMfaPendingPath(urlPath), `${urlPath} takes pending sessions, so the proxy must let them through`).toBe(true);
      expect(asPending.status, `${method} ${urlPath}`).toBeLessThan(500);
    }
  });

  it.each(inventory.actionModules.map((a) => [a.file] as const))("V6.3.3 V8.2.1 server actions in %s refuse an MFA-pending session", async (file) => {
    const mod = (await import(file)) as Record<string, Handler>;
    for (const [name, action] of Object.entries(mod).filter(([, v]) => typeof v === "function")) {
      if (action.access?.auth !== true) continue;
      for (const cookie of ["ck_session", "ck_mfa"]) {
        resetRequestContext();
        setRequestCookie(cookie, await pendingToken());
        setRequestHeaders({ "x-pathname": "/walk" });
        const state = await action(undefined, new FormData()).catch((e: unknown) => ({ thrown: digestOf(e) }));
        expect(state, `${name} with the pending token in ${cookie}`).toMatchObject({ ok: false, message: "Please sign in to continue." });
      }
    }
  });

  it.each(inventory.pages.map((p) => [p.path, p.file] as const))("V6.3.3 V8.2.1 page %s is out of reach for an MFA-pending browser", async (urlPath, file) => {
    // the middleware: with only the pending cookie, non-MFA pages go to /mfa/verify
    const req = new NextRequest(new URL(urlPath, "http://localhost:3000"), { headers: { cookie: `ck_mfa=${await pendingToken()}` } });
    const res = (await proxy(req));
    if (isPublicPath(urlPath) || isMfaPendingPath(urlPath)) expect(res.status, urlPath).toBe(200);
    else {
      expect(res.status, urlPath).toBe(303);
      expect(res.headers.get("location"), urlPath).toMatch(/\/mfa\/verify$/);
    }
    // the gate: the pending token as a session cookie gets no page that needs a session
    if (isPublicPath(urlPath) || urlPath === "/session/refresh" || urlPath.startsWith("/mfa/")) return;
    resetRequestContext();
    setRequestCookie("ck_session", await pendingToken());
    setRequestHeaders({ "x-pathname": urlPath });
    expect(await callPage(file), urlPath).toMatch(/^redirect:\/sign-in/);
  });

  it("V6.3.3 the verify page takes the pending session; with the pending cookie, the dashboard sends the browser back to it", async () => {
    resetRequestContext();
    setRequestCookie("ck_mfa", await pendingToken());
    const verify = inventory.pages.find((p) => p.path === "/mfa/verify")!;
    expect(await callPage(verify.file)).toBe("ok");
    const dashboard = inventory.pages.find((p) => p.path === "/dashboard")!;
    expect(await callPage(dashboard.file)).toBe("redirect:/mfa/verify");
  });
});

describe("MFA enrolment overdue: only enrolment is reachable", () => {
  it.each(inventory.routes.map((r) => [r.path, r.file] as const))("V6.3.3 V8.2.1 route %s refuses until the member enrols", async (urlPath, file) => {
    const mod = (await import(file)) as Record<string, Handler>;
    for (const method of METHODS.filter((m) => typeof mod[m] === "function")) {
      const handler = mod[method]!;
      if (handler.access?.auth !== true || handler.access.allowMustEnrol) continue;
      const res = await callRoute(handler, method, urlPath, `ck_session=${await mustEnrolToken()}`);
      expect(res.status, `${method} ${urlPath}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("mfa_enrolment_required");
    }
  });

  it.each(inventory.actionModules.map((a) => [a.file] as const))("V6.3.3 V8.2.1 server actions in %s refuse until the member enrols", async (file) => {
    const mod = (await import(file)) as Record<string, Handler>;
    for (const [name, action] of Object.entries(mod).filter(([, v]) => typeof v === "function")) {
      if (action.access?.auth !== true || action.access.allowMustEnrol) continue;
      resetRequestContext();
      setRequestCookie("ck_session", await mustEnrolToken());
      setRequestHeaders({ "x-pathname": "/walk" });
      const state = await action(undefined, new FormData()).catch((e: unknown) => ({ thrown: digestOf(e) }));
      expect(state, name).toMatchObject({ ok: false, mfa: "enrol" });
    }
  });

  it.each(inventory.pages.map((p) => [p.path, p.file] as const))("V6.3.3 V8.2.1 page %s sends the member to enrol", async (urlPath, file) => {
    if (isPublicPath(urlPath) || urlPath === "/session/refresh" || urlPath.startsWith("/mfa/")) return;
    resetRequestContext();
    setRequestCookie("ck_session", await mustEnrolToken());
    setRequestHeaders({ "x-pathname": urlPath });
    const outcome = await callPage(file);
    if (ENROLMENT_PAGES.has(urlPath)) expect(outcome, urlPath).toBe("ok");
    else expect(outcome, urlPath).toBe("redirect:/settings/security?enrol=required");
  });

  it("V6.3.3 only enrolment endpoints and sign-out / organization switch opt out of the check", () => {
    const optedOut: string[] = [];
    return (async () => {
      for (const r of inventory.routes) {
        const mod = (await import(r.file)) as Record<string, Handler>;
        for (const m of METHODS) if (mod[m]?.access?.allowMustEnrol) optedOut.push(`${m} ${r.path}`);
      }
      for (const a of inventory.actionModules) {
        const mod = (await import(a.file)) as Record<string, Handler>;
        for (const [name, fn] of Object.entries(mod)) if ((fn as Handler).access?.allowMustEnrol) optedOut.push(name);
      }
      for (const entry of optedOut) {
        expect(entry, "an entry point that skips the MFA deadline must be about enrolment or leaving").toMatch(
          /sign-out|switchOrganization|webauthn\/register|totp|Totp|recovery|Recovery|webauthn|Webauthn/,
        );
      }
    })();
  });
});

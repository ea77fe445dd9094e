import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { saveGroup } from "@/lib/rbac";
import { BUILT_IN_ROLES } from "@/lib/rbac/built-in-roles";
import type { Permission } from "@/lib/permissions";
import { effectiveRolePermissions, type RoleNode } from "@/lib/rbac/role-tree";
import { validateSessionToken } from "@/lib/auth";
import { makeSession, makeSteppedUpSession, makeUser, roleIdOf, type BuiltInRole } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { appInventory, PUBLIC_PAGES } from "./app-inventory";

/**
 * The authorization matrix, walked from the code: every route handler, server action and page x
 * every built-in role, plus a member of another organization poking at this one's ids and an
 * owner poking at another organization's ids. Expectations come from each entry point's declared
 * permission (route()/formAction() `access`, requirePagePermission("...") in a page), so a new
 * entry point without a declared rule fails here.
 */
type Access = { auth: boolean | "mfa_pending"; permission: Permission | null };
type Handler = ((...a: unknown[]) => Promise<unknown>) & { access?: Access };

const ROLES = BUILT_IN_ROLES.map((r) => r.key) as BuiltInRole[];
const tree: RoleNode[] = BUILT_IN_ROLES.map((r, i) => ({ id: r.key, parentId: i ? BUILT_IN_ROLES[i - 1]!.key : null, grants: r.grants }));
const holds = (role: string, p: Permission | null) => p === null || effectiveRolePermissions(tree, role).has(p);

/** Pages that are reachable with any session (no organization permission involved). */
const SESSION_ONLY_PAGES = new Set([
  "/settings/sessions",
  "/settings/organizations",
  "/settings/security",
  "/settings/activity",
  "/admin/contact-messages",
  "/session/refresh",
  "/mfa/step-up",
]);
/** Takes only an MFA-pending session (tests/inventory/mfa-stage-access.test.ts walks it). */
const MFA_PENDING_PAGES = new Set(["/mfa/verify"]);

const inventory = appInventory();
const members = {} as Record<BuiltInRole | "foreign", { userId: string; orgId: string }>;
/** A fresh session per call: some entry points (sign-out) end the session they are called with. */
const tokenOf = async (who: BuiltInRole | "foreign") => (await makeSession(members[who].userId, members[who].orgId)).token;
/** Setting up objects (groups) is a sensitive RBAC change: it needs a session that just passed a second factor. */
const steppedUpCtxOf = async (who: BuiltInRole | "foreign") =>
  (await validateSessionToken(getDb(), (await makeSteppedUpSession(members[who].userId, members[who].orgId)).token))!;
const foreignIds: Record<string, string> = {};
const ownIds: Record<string, string> = {};

beforeAll(async () => {
  const owner = await makeUser();
  const orgId = owner.organizationId;
  members.owner = { userId: owner.user.id, orgId };
  for (const role of ROLES.filter((r) => r !== "owner")) {
    const u = await makeUser({ organizationId: orgId, role });
    members[role] = { userId: u.user.id, orgId };
  }
  const victim = await makeUser({ organizationId: orgId, role: "member" });
  const ownerCtx = await steppedUpCtxOf("owner");
  Object.assign(ownIds, {
    userId: victim.user.id,
    roleId: await roleIdOf(orgId, "member"),
    groupId: await saveGroup(getDb(), ownerCtx, { name: "Matrix team" }),
    id: (await makeSession(victim.user.id, orgId)).sessionId,
  });
  // another tenant, with objects of every kind
  const other = await makeUser();
  const otherMember = await makeUser({ organizationId: other.organizationId, role: "member" });
  members.foreign = { userId: other.user.id, orgId: other.organizationId };
  const otherCtx = await steppedUpCtxOf("foreign");
  Object.assign(foreignIds, {
    userId: otherMember.user.id,
    roleId: await roleIdOf(other.organizationId, "member"),
    groupId: await saveGroup(getDb(), otherCtx, { name: "Foreign team" }),
    id: (await makeSession(otherMember.user.id, other.organizationId)).sessionId,
  });
});

function asRole(token: string | undefined) {
  resetRequestContext();
  if (token) setRequestCookie("ck_session", token);
  setRequestHeaders({ "x-pathname": "/matrix" });
}

function paramsFor(names: string[], ids: Record<string, string>) {
  return Object.fromEntries(names.map((n) => [n, ids[n] ?? "00000000-0000-4000-8000-000000000000"]));
}

async function callRoute(handler: Handler, method: string, urlPath: string, token: string, params: Record<string, string>) {
  const req = new Request(`http://localhost:3000${urlPath}`, {
    method,
    headers: { cookie: `ck_session=${token}`, "content-type": "application/json" },
    body: method === "GET" ? undefined : "{}",
  });
  return (await handler(req, { params: Promise.resolve(params) })) as Response;
}

const digestOf = (e: unknown) => String((e as { digest?: string })?.digest ?? "");

async function callPage(file: string, params: Record<string, string>): Promise<"ok" | "forbidden" | "not_found" | "redirect"> {
  const mod = (await import(file)) as { default: (p: unknown) => Promise<unknown> };
  try {
    await mod.default({ params: Promise.resolve(params), searchParams: Promise.resolve({}) });
    return "ok";
  } catch (e) {
    const d = digestOf(e);
    if (d.endsWith(";403")) return "forbidden";
    if (d.endsWith(";404")) return "not_found";
    if (d.startsWith("NEXT_REDIRECT")) return "redirect";
    throw e;
  }
}

describe("authorization matrix: route handlers", () => {
  for (const r of inventory.routes) {
    it(`V8.2.1 V8.2.2 V8.4.1 ${r.path}: declared access holds for every role and tenant`, async () => {
      const mod = (await import(r.file)) as Record<string, Handler>;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => typeof mod[m] === "function")) {
        const handler = mod[method]!;
        expect(handler.access, `${method} ${r.path} must be built with route()`).toBeDefined();
        // public: anonymous-access.test.ts; MFA-pending only: mfa-stage-access.test.ts
        if (handler.access!.auth !== true) continue;
        for (const role of ROLES) {
          const res = await callRoute(handler, method, r.path, await tokenOf(role), paramsFor(r.params, ownIds));
          const label = `${method} ${r.path} as ${role}`;
          expect(res.status, label).toBeLessThan(500);
          if (holds(role, handler.access!.permission)) {
            // A holder may still be asked for a fresh second factor (step-up), or to set one up first:
            // neither is a refusal of the permission.
            const code = res.status === 403 ? ((await res.clone().json()) as { error?: { code?: string } }).error?.code : undefined;
            if (code !== "step_up_required" && code !== "mfa_enrolment_required") expect([401, 403], label).not.toContain(res.status);
          } else expect(res.status, label).toBe(403);
        }
        if (r.params.length) {
          // an owner of another organization naming this organization's objects: nothing leaks
          const res = await callRoute(handler, method, r.path, await tokenOf("foreign"), paramsFor(r.params, ownIds));
          expect(res.status, `${method} ${r.path} foreign`).toBe(404);
        }
      }
    });
  }
});

describe("authorization matrix: server actions", () => {
  for (const a of inventory.actionModules) {
    it(`V8.2.1 V8.2.2 actions in ${a.file.split("/app/")[1]}: declared access holds for every role`, async () => {
      const mod = (await import(a.file)) as Record<string, Handler>;
      for (const [name, action] of Object.entries(mod).filter(([, v]) => typeof v === "function")) {
        expect(action.access, `${name} must be built with formAction()`).toBeDefined();
        if (action.access!.auth !== true) continue;
        for (const role of ROLES) {
          asRole(await tokenOf(role));
          const state = (await action(undefined, new FormData()).catch((e: unknown) => ({ thrown: digestOf(e) }))) as { message?: string };
          const refused = /do not have permission/.test(state.message ?? "");
          expect(refused, `${name} as ${role}: ${state.message}`).toBe(!holds(role, action.access!.permission));
        }
      }
    });
  }
});

describe("authorization matrix: pages", () => {
  for (const p of inventory.pages.filter((pg) => !PUBLIC_PAGES.has(pg.path) && !MFA_PENDING_PAGES.has(pg.path))) {
    it(`V8.2.1 V8.4.1 page ${p.path}: declared permission holds for every role and tenant`, async () => {
      const source = readFileSync(p.file, "utf8");
      const declared = source.match(/requirePagePermission\("([a-z_]+:[a-z_]+)"\)/)?.[1] as Permission | undefined;
      if (!declared) {
        expect(SESSION_ONLY_PAGES.has(p.path), `${p.path} must call requirePagePermission("...") or be listed as session-only`).toBe(true);
        // /session/refresh only hosts the rotating action (which checks the session itself)
        if (p.path !== "/session/refresh") expect(source, p.path).toMatch(/requirePageSession\(/);
      }
      for (const role of ROLES) {
        asRole(await tokenOf(role));
        const outcome = await callPage(p.file, paramsFor(p.params, ownIds));
        const label = `${p.path} as ${role}`;
        if (declared && !holds(role, declared)) expect(outcome, label).toBe("forbidden");
        else expect(["ok", "not_found"], label).toContain(outcome);
      }
      if (p.params.length) {
        asRole(await tokenOf("owner"));
        expect(await callPage(p.file, paramsFor(p.params, foreignIds)), `${p.path} with another tenant's ids`).toBe("not_found");
      }
      asRole(undefined);
      if (p.path !== "/session/refresh") expect(await callPage(p.file, paramsFor(p.params, ownIds)), `${p.path} anonymous`).toBe("redirect");
    });
  }
});

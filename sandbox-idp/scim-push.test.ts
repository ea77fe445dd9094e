import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as GroupRoute from "@/app/api/scim/v2/Groups/[id]/route";
import * as GroupsRoute from "@/app/api/scim/v2/Groups/route";
import * as UserRoute from "@/app/api/scim/v2/Users/[id]/route";
import * as UsersRoute from "@/app/api/scim/v2/Users/route";
import { getDb } from "@/db";
import { groupMembers, groups, memberships } from "@/db/schema";
import { orgWithScimToken } from "@/tests/scim";
import { resetRateLimitsForTests } from "@/lib/ratelimit";
import { stubEnv } from "@/tests/env";
import { expectAudited } from "@/tests/audit";
import { pushDirectory, runDemo, scimClient, type Directory } from "./scim-push";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** fetch, answered by the app's own SCIM route handlers: the push command end to end without a server. */
function routeFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(String(input));
  const [resource, id] = url.pathname.replace("/api/scim/v2/", "").split("/");
  const method = (init?.method ?? "GET") as "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  const mod = (resource === "Users" ? (id ? UserRoute : UsersRoute) : id ? GroupRoute : GroupsRoute) as unknown as Record<string, Handler>;
  const headers = new Headers(init?.headers);
  headers.set("x-real-ip", "198.51.100.77");
  const params: Record<string, string> = id ? { id } : {};
  return mod[method]!(new Request(url, { ...init, headers }), { params: Promise.resolve(params) });
}

const directoryOf = (tag: string): Directory => {
  const u = (n: string) => `${n}-${tag}@sandbox-idp.test`;
  return {
    users: ["ada", "grace", "alan", "katherine"].map((n) => ({ userName: u(n), givenName: n, familyName: "Test" })),
    groups: [
      { displayName: "Finance", members: [u("ada"), u("katherine")] },
      { displayName: "Engineering", members: [u("grace"), u("alan")] },
    ],
  };
};

beforeEach(() => {
  stubEnv({ TRUST_PROXY: "vercel" });
  resetRateLimitsForTests();
  vi.stubGlobal("fetch", routeFetch);
});
afterEach(() => vi.unstubAllGlobals());

describe("the sandbox directory's SCIM push", () => {
  it("V8.2.1 V7.4.2 provisions people and two groups, is idempotent, then moves one person and deactivates another", async () => {
    const o = await orgWithScimToken();
    const dir = directoryOf(crypto.randomUUID().slice(0, 8));
    const client = scimClient("http://localhost:3000/api/scim/v2", o.token);
    const first = await pushDirectory(client, dir);
    expect(first.users.size).toBe(4);
    const again = await pushDirectory(client, dir); // a second sync cycle changes nothing structural
    expect([...again.users.values()]).toEqual([...first.users.values()]);
    const rows = await getDb().select().from(groups).where(and(eq(groups.organizationId, o.organizationId), eq(groups.directoryManaged, true)));
    expect(rows.map((g) => g.name).sort()).toEqual(["Engineering", "Finance"]);

    await runDemo(client, dir);
    const finance = rows.find((g) => g.name === "Finance")!;
    const alan = first.users.get(dir.users[2]!.userName)!;
    const katherine = first.users.get(dir.users[3]!.userName)!;
    const financeMembers = (await getDb().select().from(groupMembers).where(eq(groupMembers.groupId, finance.id))).map((m) => m.userId);
    expect(financeMembers).toContain(alan);
    const [m] = await getDb().select().from(memberships).where(and(eq(memberships.userId, katherine), eq(memberships.organizationId, o.organizationId)));
    expect(m?.status).toBe("suspended");
    await expectAudited(getDb(), { action: "scim.user_deactivated", organizationId: o.organizationId, targetId: katherine, metadata: { scimClient: "Okta" } });
  });
});

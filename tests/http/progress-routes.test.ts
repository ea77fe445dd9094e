import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as connectionProgress } from "@/app/api/connections/[connectionId]/progress/route";
import { GET as backupProgress } from "@/app/api/admin/backups/progress/route";
import { getDb } from "@/db";
import { backupRuns, bankConnections, bankInstitutions, bankSyncRuns, memberships, roles } from "@/db/schema";
import { makeSession, makeUser } from "@/tests/factories";

/** The progress routes the connection and backups pages poll (issue 22), from the attacker's side too. */
const URL_BASE = "http://localhost:3000";
const get = (handler: typeof connectionProgress, path: string, token: string, params: Record<string, string> = {}) =>
  handler(new Request(URL_BASE + path, { headers: { cookie: `ck_session=${token}` } }), { params: Promise.resolve(params) });
const tokenOf = async (u: { user: { id: string }; organizationId: string }) => (await makeSession(u.user.id, u.organizationId)).token;

let owner: Awaited<ReturnType<typeof makeUser>>;
let connectionId: string;

beforeAll(async () => {
  const db = getDb();
  owner = await makeUser();
  const [inst] = await db
    .insert(bankInstitutions)
    .values({ slug: `progress-${owner.organizationId}`, name: "Progress Bank", issuer: "https://bank.example", clientId: "c", clientSecret: "s", resource: "https://bank.example/api", apiBaseUrl: "https://bank.example/api" })
    .returning({ id: bankInstitutions.id });
  const [conn] = await db.insert(bankConnections).values({ organizationId: owner.organizationId, institutionId: inst!.id, status: "syncing", scope: "fdx:read" }).returning({ id: bankConnections.id });
  connectionId = conn!.id;
  await db.insert(bankSyncRuns).values({ organizationId: owner.organizationId, connectionId, trigger: "initial", added: 1500, modified: 20, accountsTotal: 3, accountsDone: 1 });
});

describe("GET /api/connections/:id/progress", () => {
  const path = () => `/api/connections/${connectionId}/progress`;

  it("V8.2.1 a member of the organization (a viewer too) reads the running sync's counters", async () => {
    const viewer = await makeUser({ organizationId: owner.organizationId, role: "viewer" });
    for (const who of [owner, viewer]) {
      const res = await get(connectionProgress, path(), await tokenOf(who), { connectionId });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = (await res.json()) as { connectionStatus: string; run: Record<string, unknown> };
      expect(body.connectionStatus).toBe("syncing");
      expect(body.run).toMatchObject({ status: "running", trigger: "initial", accountsTotal: 3, accountsDone: 1, transactions: 1520 });
    }
  });

  it("V8.2.2 V8.4.1 another organization's owner gets 404 for this connection, like an unknown or malformed id", async () => {
    const foreign = await makeUser();
    const token = await tokenOf(foreign);
    expect((await get(connectionProgress, path(), token, { connectionId })).status).toBe(404);
    expect((await get(connectionProgress, path(), await tokenOf(owner), { connectionId: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect((await get(connectionProgress, path(), await tokenOf(owner), { connectionId: "not-a-uuid" })).status).toBe(404);
  });

  it("V8.2.1 a member whose role lacks bank_connections:read gets 403, and no session gets 401", async () => {
    const db = getDb();
    const nobody = await makeUser({ organizationId: owner.organizationId, role: "viewer" });
    // A custom root role with no permission at all (no built-in role lacks bank_connections:read).
    const [role] = await db.insert(roles).values({ organizationId: owner.organizationId, name: `No access ${nobody.user.id}` }).returning({ id: roles.id });
    await db.update(memberships).set({ roleId: role!.id }).where(eq(memberships.userId, nobody.user.id));
    expect((await get(connectionProgress, path(), await tokenOf(nobody), { connectionId })).status).toBe(403);
    const anonymous = await connectionProgress(new Request(URL_BASE + path()), { params: Promise.resolve({ connectionId }) });
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/admin/backups/progress", () => {
  it("V8.2.1 an operator sees the running runs' step and numbers, never a storage location", async () => {
    const operator = await makeUser({ operator: true });
    const [run] = await getDb()
      .insert(backupRuns)
      .values({ kind: "backup", trigger: "admin", backupName: "20261207T140000Z-abcd", progress: { phase: "upload", unit: "bytes", done: 2_000_000, total: 2_000_000, target: 2, targets: 2 } })
      .returning({ id: backupRuns.id });
    try {
      const res = await get(backupProgress, "/api/admin/backups/progress", await tokenOf(operator));
      expect(res.status).toBe(200);
      const { runs } = (await res.json()) as { runs: Record<string, unknown>[] };
      expect(runs.find((r) => r.id === run!.id)).toEqual({
        id: run!.id,
        kind: "backup",
        step: "Reading back and sealing (target 2 of 2)",
        text: "Reading back and sealing (target 2 of 2): 2.0 MB of 2.0 MB",
        done: 2_000_000,
        total: 2_000_000,
      });
    } finally {
      await getDb().update(backupRuns).set({ status: "succeeded", finishedAt: new Date() }).where(eq(backupRuns.id, run!.id));
    }
  });

  it("V8.2.1 V8.2.2 an organization's owner (backups:read, not an operator) gets 404; a member without backups:read gets 403", async () => {
    expect((await get(backupProgress, "/api/admin/backups/progress", await tokenOf(owner))).status).toBe(404);
    const member = await makeUser({ organizationId: owner.organizationId, role: "member" });
    expect((await get(backupProgress, "/api/admin/backups/progress", await tokenOf(member))).status).toBe(403);
  });
});

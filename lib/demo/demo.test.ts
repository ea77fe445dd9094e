import { and, count, eq, inArray, min } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { alerts, auditEvents, bankAccounts, bankBalances, bankConnectionAttempts, bankConnections, bankTransactions, groupMembers, groups, memberships, roles, sessions, users } from "@/db/schema";
import { signIn } from "@/lib/auth";
import { ensureSandboxInstitutions } from "@/lib/banking";
import { clearDiscoveryCache } from "@/lib/banking/oauth-client";
import { open } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { api, ADMIN_TOKEN, startTestBank } from "@/tests/support/sandbox-browser";
import type { SandboxBank } from "@/sandbox-bank/bank";
import { expectAudited } from "@/tests/audit";
import { useTestAppUrl } from "@/tests/support/banking";
import { DEMO_BANK } from "./bank";
import { DEMO_MEMBERS, DEMO_OWNER_EMAIL, demoStartupText, seedDemo, seedDemoAtStartup, type DemoSeedResult } from "./index";

let sandbox: SandboxBank;
let first: DemoSeedResult;
let organizationId: string;
let ownerId: string;
const db = () => getDb();

/** Every row the demo owns, counted per table (the idempotency check compares two of these). */
async function countsOf(org: string) {
  const n = async (q: Promise<{ n: number }[]>) => Number((await q)[0]!.n);
  return {
    members: await n(db().select({ n: count() }).from(memberships).where(eq(memberships.organizationId, org))),
    groups: await n(db().select({ n: count() }).from(groups).where(eq(groups.organizationId, org))),
    groupMembers: await n(db().select({ n: count() }).from(groupMembers).innerJoin(groups, eq(groups.id, groupMembers.groupId)).where(eq(groups.organizationId, org))),
    connections: await n(db().select({ n: count() }).from(bankConnections).where(eq(bankConnections.organizationId, org))),
    attempts: await n(db().select({ n: count() }).from(bankConnectionAttempts).where(eq(bankConnectionAttempts.organizationId, org))),
    accounts: await n(db().select({ n: count() }).from(bankAccounts).where(eq(bankAccounts.organizationId, org))),
    transactions: await n(db().select({ n: count() }).from(bankTransactions).where(eq(bankTransactions.organizationId, org))),
    balances: await n(db().select({ n: count() }).from(bankBalances).where(eq(bankBalances.organizationId, org))),
    alerts: await n(db().select({ n: count() }).from(alerts).where(eq(alerts.organizationId, org))),
    auditEvents: await n(db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.organizationId, org))),
  };
}

beforeAll(async () => {
  // The sandbox institutions as `npm run dev` has them (slug northwind, the dev client secret), at a test bank.
  clearDiscoveryCache();
  sandbox = await startTestBank({ clientSecret: "chargekeep-dev-secret" });
  vi.stubEnv("SANDBOX_BANK_URL_NORTHWIND", sandbox.institutions[0]!.issuer);
  vi.stubEnv("SANDBOX_BANK_URL_HARBOR", sandbox.institutions[1]!.issuer);
  useTestAppUrl();
  await ensureSandboxInstitutions(db());
  // The test database is shared: an earlier run's demo owner would make this run a restart.
  await db().delete(users).where(inArray(users.email, [DEMO_OWNER_EMAIL, ...DEMO_MEMBERS.map((m) => m.email)]));
  first = await seedDemo(db(), { bankWaitMs: 10_000 });
  const [owner] = await db().select({ userId: memberships.userId, org: memberships.organizationId }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(eq(users.email, DEMO_OWNER_EMAIL));
  organizationId = owner!.org;
  ownerId = owner!.userId;
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  resetEnvCache();
  clearDiscoveryCache();
  // Leave the sandbox institutions pointing at the default addresses for other files.
  await ensureSandboxInstitutions(db());
  await sandbox.close();
});

describe("the demo organization (npm run dev, SEED_DEMO)", () => {
  it("creates Acme Corp with two years of synced transactions across four accounts in USD and EUR", async () => {
    expect(first.created?.email).toBe(DEMO_OWNER_EMAIL);
    expect(first.bank).toMatchObject({ status: "connected" });
    const accounts = await db().select({ currency: bankAccounts.currency, name: bankAccounts.name }).from(bankAccounts).where(eq(bankAccounts.organizationId, organizationId));
    expect(accounts).toHaveLength(4);
    expect(new Set(accounts.map((a) => a.currency))).toEqual(new Set(["USD", "EUR"]));
    const [range] = await db().select({ n: count(), earliest: min(bankTransactions.bookedOn) }).from(bankTransactions).where(eq(bankTransactions.organizationId, organizationId));
    expect(Number(range!.n)).toBeGreaterThan(2_000);
    expect(Date.now() - new Date(String(range!.earliest)).getTime()).toBeGreaterThan(700 * 86_400_000);
    const eur = await db().select({ n: count() }).from(bankTransactions).where(and(eq(bankTransactions.organizationId, organizationId), eq(bankTransactions.currency, "EUR")));
    expect(Number(eur[0]!.n)).toBeGreaterThan(500);
  });

  // One file for every demo test: they share the demo owner's address, so on a shared PostgreSQL
  // database two files would reset it under each other.
  it("V6.3.2 the owner signs in with the password printed once, as the owner of Acme Corp", async () => {
    expect(first.created!.password.length).toBeGreaterThanOrEqual(16);
    const [row] = await db().select({ role: roles.key }).from(memberships).innerJoin(roles, eq(roles.id, memberships.roleId)).where(eq(memberships.userId, ownerId));
    expect(row).toEqual({ role: "owner" });
    const result = await signIn(db(), { email: DEMO_OWNER_EMAIL, password: first.created!.password, ip: null, userAgent: null });
    expect(result.ok).toBe(true);
  });

  it("V10.2.1 made the connection through the bank's OAuth pages: a live grant at the bank, PKCE attempt completed, tokens sealed, seed session gone", async () => {
    const [conn] = await db().select().from(bankConnections).where(eq(bankConnections.organizationId, organizationId));
    expect(conn).toMatchObject({ status: "active", createdBy: ownerId, externalSubject: expect.any(String) });
    // The tokens are stored sealed (not the JWT), and open to a token the bank's API accepts.
    expect(conn!.accessToken).not.toMatch(/^ey/);
    const access = open(conn!.accessToken!, { table: "bank_connections", column: "access_token", rowId: conn!.id });
    expect((await api(sandbox.institutions[0]!, "/accounts", access)).status).toBe(200);
    expect(conn!.refreshToken).toBeTruthy();
    // The bank holds the consent the demo business gave on its consent page, for its four accounts.
    const res = await fetch(`${sandbox.institutions[0]!.issuer}/__sandbox/grants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { grants } = (await res.json()) as { grants: { userId: string; accountIds: string[]; state: string }[] };
    const acme = grants.filter((g) => g.userId === "nw-user-acme" && g.state === "live");
    expect(acme).toHaveLength(1);
    expect(acme[0]!.accountIds.sort()).toEqual([...DEMO_BANK.accounts].sort());
    // One attempt (state hashed, verifier sealed), spent and completed: the code + PKCE round trip.
    const attempts = await db().select().from(bankConnectionAttempts).where(eq(bankConnectionAttempts.organizationId, organizationId));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: "completed", connectionId: conn!.id, usedAt: expect.any(Date) });
    await expectAudited(db(), { action: "bank_connection.connected", organizationId, actorUserId: ownerId, targetId: conn!.id });
    // The sessions the seed acted through are revoked: nobody can pick one up.
    expect(await db().select().from(sessions).where(and(eq(sessions.userId, ownerId), eq(sessions.userAgent, "ChargeKeep demo seed (npm run dev)")))).toEqual([]);
  });

  it("adds a member in each role, the Finance team group and an alert history, each audited", async () => {
    const people = await db()
      .select({ email: users.email, role: roles.key })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(eq(memberships.organizationId, organizationId));
    expect(people.map((p) => p.role).sort()).toEqual(["accountant", "admin", "member", "owner", "viewer"]);
    const [group] = await db().select().from(groups).where(eq(groups.organizationId, organizationId));
    expect(group!.name).toBe("Finance team");
    expect(await db().select().from(groupMembers).where(eq(groupMembers.groupId, group!.id))).toHaveLength(2);
    const raised = await db().select({ status: alerts.status }).from(alerts).where(eq(alerts.organizationId, organizationId));
    expect(raised.map((a) => a.status).sort()).toEqual(["acknowledged", "open"]);
    const priya = DEMO_MEMBERS.find((m) => m.role === "admin")!;
    const [admin] = await db().select({ id: users.id }).from(users).where(eq(users.email, priya.email));
    await expectAudited(db(), { action: "member.added", organizationId, actorUserId: ownerId, targetId: admin!.id, result: "success" });
    await expectAudited(db(), { action: "group.created", organizationId, actorUserId: ownerId });
    await expectAudited(db(), { action: "alert.acknowledged", organizationId, actorUserId: ownerId });
  });

  it("seeding again (a restart) changes nothing and prints no password", async () => {
    const before = await countsOf(organizationId);
    const again = await seedDemo(db(), { bankWaitMs: 10_000 });
    expect(again.created).toBeNull();
    expect(again.bank).toMatchObject({ status: "present" });
    expect(await countsOf(organizationId)).toEqual(before);
    const orgs = await db().select({ n: count() }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(eq(users.email, DEMO_OWNER_EMAIL));
    expect(Number(orgs[0]!.n)).toBe(1);
  });

  it("says what to try at start-up, and the password only when it was just made", () => {
    const text = demoStartupText("http://localhost:3000", first);
    expect(text).toContain("http://localhost:3000/sign-in");
    expect(text).toContain(first.created!.password);
    expect(text).toMatch(/Connected to Northwind Bank \(sandbox\).*synced \d+ transactions/);
    expect(text).toContain("/connections: connect a second bank");
    expect(text).toContain("/settings/security: set up an authenticator app or a passkey");
    expect(text).toContain("/admin/sso: single sign-on with the sandbox identity provider");
    expect(text).toContain("/admin/posture: how well Acme Corp is protected");
    const later = demoStartupText("http://localhost:3000", { created: null, bank: { status: "present", connectionId: "x" } });
    expect(later).not.toContain(first.created!.password);
    expect(later).toContain(DEMO_OWNER_EMAIL);
    const noBank = demoStartupText("http://localhost:3000", { created: null, bank: { status: "unavailable", reason: "the sandbox bank at http://127.0.0.1:4010 is not answering" } });
    expect(noBank).toContain("is not answering. It is tried again at the next start.");
  });

  it("without the sandbox bank the demo still seeds and says why there is no bank data", async () => {
    vi.stubEnv("SANDBOX_BANK_URL_NORTHWIND", "http://127.0.0.1:9");
    resetEnvCache();
    await ensureSandboxInstitutions(db());
    await db().delete(users).where(inArray(users.email, [DEMO_OWNER_EMAIL]));
    const result = await seedDemo(db(), { bankWaitMs: 300 });
    expect(result.created).not.toBeNull();
    expect(result.bank).toEqual({ status: "unavailable", reason: "the sandbox bank at http://127.0.0.1:9 is not answering" });
    vi.stubEnv("SANDBOX_BANK_URL_NORTHWIND", sandbox.institutions[0]!.issuer);
    resetEnvCache();
    await ensureSandboxInstitutions(db());
  });

  it("SEED_DEMO=false starts an empty install: no demo organization, nothing printed", async () => {
    vi.stubEnv("SEED_DEMO", "false");
    resetEnvCache();
    await db().delete(users).where(inArray(users.email, [DEMO_OWNER_EMAIL]));
    const printed: string[] = [];
    expect(await seedDemoAtStartup(db(), (t) => printed.push(t))).toBeNull();
    expect(printed).toEqual([]);
    expect(await db().select().from(users).where(eq(users.email, DEMO_OWNER_EMAIL))).toEqual([]);
  });
});

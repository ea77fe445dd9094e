import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb, type Database } from "@/db";
import { openDatabase, type DbHandle } from "@/db/client";
import { firewallRules, firewallState } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { closeRedisClient } from "@/lib/ratelimit/redis-client";
import { firewallDecision, firewallFreshness, refreshFirewall } from "./cache";
import { FIREWALL_CHANNEL, keepFirewallFresh, publishFirewallChange, stopFirewallPush } from "./push";
import { loadFirewall } from "./store";

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
// Another instance: its own connections to the same database.
let other: DbHandle;
const made: string[] = [];

/** What another instance's addFirewallRule commits: the rule, the version bump and (unless told not to) the notice. */
async function addElsewhere(db: Database, cidr: string, notify: boolean): Promise<number> {
  return db.transaction(async (tx) => {
    const [rule] = await tx.insert(firewallRules).values({ scope: "global", cidr, action: "deny", reason: "another instance", createdBy: null }).returning();
    made.push(rule!.id);
    const [row] = await tx.update(firewallState).set({ version: sql`${firewallState.version} + 1` }).where(eq(firewallState.id, 1)).returning({ version: firewallState.version });
    if (notify) await tx.execute(sql`select pg_notify(${FIREWALL_CHANNEL}, ${String(row!.version)})`);
    return row!.version;
  });
}

/** Waits (without deciding a request, which would check lazily) until this process holds `version`. */
async function appliedWithin(version: number, budgetMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < budgetMs) {
    if ((firewallFreshness().version ?? 0) >= version) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`version ${version} not applied within ${budgetMs} ms (have ${firewallFreshness().version})`);
}

beforeAll(async () => {
  other = openDatabase({ databaseUrl: process.env.DATABASE_URL!, pgliteDir: "memory://" });
  await getDb().insert(firewallState).values({ id: 1, version: 0 }).onConflictDoNothing();
});
afterEach(async () => {
  await stopFirewallPush();
  vi.unstubAllEnvs();
  resetEnvCache();
  closeRedisClient();
  for (const id of made.splice(0)) await getDb().delete(firewallRules).where(eq(firewallRules.id, id));
  await refreshFirewall(true);
});
afterAll(() => other.close());

describe("firewall changes pushed to every instance (PostgreSQL, Redis)", { timeout: 30_000 }, () => {
  it("V15.4.1 a rule committed on another instance is enforced here within 1 s, with no request to wake it (LISTEN/NOTIFY)", async () => {
    await loadFirewall(getDb());
    await keepFirewallFresh();
    expect(firewallDecision("198.18.210.7").allowed).toBe(true);
    const version = await addElsewhere(other.db, "198.18.210.0/24", true);
    expect(await appliedWithin(version, 1_000)).toBeLessThan(1_000);
    expect(firewallDecision("198.18.210.7")).toEqual({ allowed: false, reason: "global_deny" });
  });

  it("V15.4.1 a change published on Redis (REDIS_URL: LISTEN cannot pass a transaction-pooling PgBouncer) applies within 1 s too", async () => {
    vi.stubEnv("REDIS_URL", REDIS_URL);
    vi.stubEnv("RATE_LIMIT_PREFIX", `ck:test:fwpush:${process.pid}:${Date.now()}`);
    resetEnvCache();
    await loadFirewall(getDb());
    await keepFirewallFresh();
    const version = await addElsewhere(other.db, "198.18.211.0/24", false); // no NOTIFY: only Redis carries it
    await publishFirewallChange(version);
    expect(await appliedWithin(version, 1_000)).toBeLessThan(1_000);
    expect(firewallDecision("198.18.211.9").allowed).toBe(false);
  });

  it("V15.4.1 V16.5.2 with every notice lost, the timer applies a change within FIREWALL_REFRESH_SECONDS on an idle instance", async () => {
    vi.stubEnv("FIREWALL_REFRESH_SECONDS", "1");
    resetEnvCache();
    await loadFirewall(getDb());
    await keepFirewallFresh();
    await stopFirewallPush(); // no listener at all: only the timer is left
    const { startFirewallTimer } = await import("./cache");
    startFirewallTimer();
    const version = await addElsewhere(other.db, "198.18.212.0/24", false);
    // The timer checks every half interval; a generous budget for a busy machine, still no request.
    await appliedWithin(version, 3_000);
    expect(firewallDecision("198.18.212.1").allowed).toBe(false);
  });
});

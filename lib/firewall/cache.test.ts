import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { firewallRules, firewallState } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { firewallDecision, refreshFirewall, registerFirewallSource, resetFirewallForTests, type FirewallSource } from "./cache";
import { dbFirewallSource, loadFirewall } from "./store";

const db = () => getDb();

/** Another server's change: the row and the version bump, without telling this process. */
async function insertElsewhere(cidr: string): Promise<string> {
  const [row] = await db().insert(firewallRules).values({ scope: "global", cidr, action: "deny", reason: "other server", createdBy: null }).returning();
  await db().update(firewallState).set({ version: sql`${firewallState.version} + 1` }).where(eq(firewallState.id, 1));
  return row!.id;
}

const made: string[] = [];
afterEach(async () => {
  for (const id of made.splice(0)) await db().delete(firewallRules).where(eq(firewallRules.id, id));
  // Put the database-backed cache back for the other files of this worker.
  resetFirewallForTests();
  await loadFirewall(db());
});

describe("the cached, versioned rule set", () => {
  it("a change made on another server applies here within FIREWALL_REFRESH_SECONDS", async () => {
    await db().insert(firewallState).values({ id: 1, version: 0 }).onConflictDoNothing();
    const clock = useFakeClock(new Date());
    await loadFirewall(db());
    expect(firewallDecision("198.18.200.1").allowed).toBe(true);

    made.push(await insertElsewhere("198.18.200.0/24"));
    clock.advance(1_000);
    expect(firewallDecision("198.18.200.1").allowed).toBe(true); // still within the interval: from memory
    clock.advance(5_000); // the default FIREWALL_REFRESH_SECONDS is 5
    firewallDecision("198.18.200.1"); // starts the background check; never waits on it
    await refreshFirewall(); // joins the check in flight
    expect(firewallDecision("198.18.200.1")).toEqual({ allowed: false, reason: "global_deny" });
  });

  it("decisions come from memory: one version check per interval, the rules re-read only when it moved", async () => {
    const real = dbFirewallSource(db());
    const calls = { version: 0, rules: 0 };
    const counting: FirewallSource = {
      readVersion: () => (calls.version++, real.readVersion()),
      readRules: (at) => (calls.rules++, real.readRules(at)),
    };
    resetFirewallForTests();
    const clock = useFakeClock(new Date());
    registerFirewallSource(counting);
    await refreshFirewall(true);
    expect(calls).toEqual({ version: 1, rules: 1 });

    for (let i = 0; i < 5_000; i++) firewallDecision(`10.0.${i % 250}.${i % 200}`);
    expect(calls).toEqual({ version: 1, rules: 1 });

    clock.advance(5_000);
    firewallDecision("10.0.0.1");
    await refreshFirewall();
    expect(calls).toEqual({ version: 2, rules: 1 }); // nothing changed: only the counter was read
  });

  it("V16.5.2 a database that cannot answer keeps the rules already loaded", async () => {
    const id = await insertElsewhere("198.18.201.0/24");
    made.push(id);
    await loadFirewall(db());
    expect(firewallDecision("198.18.201.9").allowed).toBe(false);
    const clock = useFakeClock(new Date());
    registerFirewallSource({ readVersion: () => Promise.reject(new Error("connection refused")), readRules: () => Promise.reject(new Error("no")) });
    clock.advance(60_000);
    const warn = console.warn;
    console.warn = () => {};
    try {
      firewallDecision("198.18.201.9");
      await refreshFirewall();
    } finally {
      console.warn = warn;
    }
    expect(firewallDecision("198.18.201.9").allowed).toBe(false);
  });

  it("a rule's expiry applies on time even without a reload", async () => {
    const clock = useFakeClock(new Date());
    const [row] = await db()
      .insert(firewallRules)
      .values({ scope: "global", cidr: "198.18.202.0/24", action: "deny", reason: "1 h block", createdBy: null, expiresAt: new Date(clock.now().getTime() + 3_600_000) })
      .returning();
    made.push(row!.id);
    await loadFirewall(db());
    expect(firewallDecision("198.18.202.1").allowed).toBe(false);
    registerFirewallSource({ readVersion: () => new Promise(() => {}), readRules: () => new Promise(() => {}) }); // no reload can happen
    clock.advance(3_600_000);
    expect(firewallDecision("198.18.202.1").allowed).toBe(true);
  });
});

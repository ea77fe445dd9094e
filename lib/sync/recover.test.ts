import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { bankConnections, bankInstitutions, bankSyncRuns } from "@/db/schema/banking";
import { makeUser } from "@/tests/factories";
import { acquireLease } from "./lock";
import { INTERRUPTED_MESSAGE, markInterruptedSyncs } from "./recover";

const db = () => getDb();
// A moment long ago, so rows other tests write meanwhile (with today's times) are never in play.
const T = new Date("2020-03-01T12:00:00Z");
const ago = (ms: number) => new Date(T.getTime() - ms);
const later = (ms: number) => new Date(T.getTime() + ms);

async function connectionIn(state: { lockedUntil: Date | null; attemptAt: Date }) {
  const { organizationId } = await makeUser();
  const [inst] = await db()
    .insert(bankInstitutions)
    .values({ slug: `t-${randomUUID()}`, name: "Test bank", issuer: "http://127.0.0.1:1", clientId: "c", resource: "http://127.0.0.1:1/fdx", apiBaseUrl: "http://127.0.0.1:1/fdx" })
    .returning({ id: bankInstitutions.id });
  const [conn] = await db()
    .insert(bankConnections)
    .values({
      organizationId,
      institutionId: inst!.id,
      status: "syncing",
      syncLockToken: state.lockedUntil ? randomUUID() : null,
      syncLockedUntil: state.lockedUntil,
      lastSyncAttemptAt: state.attemptAt,
      nextSyncAt: ago(60 * 60_000),
    })
    .returning({ id: bankConnections.id });
  return { organizationId, connectionId: conn!.id };
}

async function runOf(c: { organizationId: string; connectionId: string }, startedAt: Date) {
  const [run] = await db().insert(bankSyncRuns).values({ ...c, trigger: "scheduled", startedAt }).returning({ id: bankSyncRuns.id });
  return run!.id;
}

const runStatus = async (ids: string[]) =>
  Object.fromEntries((await db().select({ id: bankSyncRuns.id, status: bankSyncRuns.status, error: bankSyncRuns.error }).from(bankSyncRuns).where(inArray(bankSyncRuns.id, ids))).map((r) => [r.id, r]));

describe("sync runs left by a crashed process (lib/sync/recover.ts)", () => {
  it("V15.4.3 a crashed run (lease lapsed) is marked interrupted and its connection is due again and resumable; a live run of another instance is left alone", async () => {
    const crashed = await connectionIn({ lockedUntil: ago(30_000), attemptAt: ago(3 * 60_000) });
    const crashedRun = await runOf(crashed, ago(3 * 60_000 - 10));
    const live = await connectionIn({ lockedUntil: later(90_000), attemptAt: ago(20_000) });
    const liveRun = await runOf(live, ago(20_000 - 10));
    // An older run of the live connection, left by an earlier crash before the current holder took over.
    const olderRun = await runOf(live, ago(60 * 60_000));

    const result = await markInterruptedSyncs(db(), T);
    expect(result.connections).toBeGreaterThanOrEqual(1);

    const runs = await runStatus([crashedRun, liveRun, olderRun]);
    expect(runs[crashedRun]).toMatchObject({ status: "interrupted", error: INTERRUPTED_MESSAGE });
    expect(runs[olderRun]!.status).toBe("interrupted");
    expect(runs[liveRun]!.status).toBe("running");

    const [c] = await db().select().from(bankConnections).where(eq(bankConnections.id, crashed.connectionId));
    expect(c).toMatchObject({ status: "error", lastError: INTERRUPTED_MESSAGE, syncLockToken: null, syncLockedUntil: null });
    expect(c!.nextSyncAt!.getTime()).toBeLessThanOrEqual(T.getTime()); // due at once
    expect(await acquireLease(db(), crashed.connectionId, T)).not.toBeNull(); // the next run takes it and resumes

    const [l] = await db().select().from(bankConnections).where(eq(bankConnections.id, live.connectionId));
    expect(l!.status).toBe("syncing");
    expect(await acquireLease(db(), live.connectionId, T)).toBeNull(); // still the other instance's
  });

  it("V15.4.3 running it again changes nothing (idempotent at start-up and on every scheduler tick)", async () => {
    const crashed = await connectionIn({ lockedUntil: ago(1_000), attemptAt: ago(5 * 60_000) });
    const run = await runOf(crashed, ago(5 * 60_000 - 10));
    await markInterruptedSyncs(db(), T);
    const [first] = await db().select().from(bankSyncRuns).where(eq(bankSyncRuns.id, run));
    await markInterruptedSyncs(db(), later(1_000));
    const [second] = await db().select().from(bankSyncRuns).where(eq(bankSyncRuns.id, run));
    expect(second).toEqual(first);
  });
});

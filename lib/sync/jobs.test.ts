import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { bankConnections, bankSyncRuns } from "@/db/schema/banking";
import { enqueue, getBoss, runQueuedJobs, type JobDefinition } from "@/lib/jobs";
import type { SandboxBank } from "@/sandbox-bank/bank";
import type { InstitutionState } from "@/sandbox-bank/institution-state";
import { startTestBank } from "@/tests/support/sandbox-browser";
import { makeUser } from "@/tests/factories";
import { enqueueDueSyncs, syncConnectionJob, syncScheduleJob } from "./index";
import { connectSandbox } from "@/tests/support/sync";

let sandbox: SandboxBank;
let harbor: InstitutionState;
beforeAll(async () => {
  sandbox = await startTestBank({});
  harbor = sandbox.institutions[1] as InstitutionState;
});
afterAll(() => sandbox.close());

const job = syncConnectionJob as JobDefinition<never>;
const runsOf = async (ids: string[]) => getDb().select({ connectionId: bankSyncRuns.connectionId }).from(bankSyncRuns).where(inArray(bankSyncRuns.connectionId, ids));

describe("bank sync on pg-boss", { timeout: 120_000 }, () => {
  it("V15.4.2 V15.4.3 two schedules in one cycle queue one job per due connection, and each connection is synced once", async () => {
    const { organizationId } = await makeUser();
    const a = await connectSandbox(getDb(), harbor, organizationId, { accounts: ["hb-sav-3002"] });
    const b = await connectSandbox(getDb(), harbor, organizationId, { accounts: ["hb-sav-3002"] });
    // Two instances' schedules read the due list at the same moment.
    const [first, second] = await Promise.all([enqueueDueSyncs({ organizationId }), enqueueDueSyncs({ organizationId })]);
    expect(first.due).toBe(2);
    expect(second.due).toBe(2);
    expect(first.queued + second.queued).toBe(2); // the stately queue keeps one waiting job per connection
    const ran = await runQueuedJobs(job);
    expect(ran.map((r) => r.ok)).toEqual([true, true]);
    expect(ran.map((r) => (r.output as { status: string }).status)).toEqual(["succeeded", "succeeded"]);
    const runs = await runsOf([a.connectionId, b.connectionId]);
    expect(runs.map((r) => r.connectionId).sort()).toEqual([a.connectionId, b.connectionId].sort());
    // Synced: nothing of this organization is due in the next cycle.
    expect(await enqueueDueSyncs({ organizationId })).toEqual({ due: 0, queued: 0 });
  });

  it("V15.4.2 a job queued behind a finished sync re-checks next_sync_at with the lease and leaves the bank alone", async () => {
    const { organizationId } = await makeUser();
    const c = await connectSandbox(getDb(), harbor, organizationId, { accounts: ["hb-sav-3002"] });
    // Read as due, then (before its job runs) another instance syncs it.
    expect(await enqueueDueSyncs({ organizationId })).toEqual({ due: 1, queued: 1 });
    await getDb().update(bankConnections).set({ nextSyncAt: new Date(Date.now() + 3_600_000), lastSyncedAt: new Date() }).where(eq(bankConnections.id, c.connectionId));
    const [ran] = await runQueuedJobs(job);
    expect(ran).toMatchObject({ ok: true, output: { status: "not_due", added: 0 } });
    expect(await runsOf([c.connectionId])).toEqual([]); // no run, no call to the bank
    // A later duplicate send for the same connection while one waits is refused by the queue.
    await getDb().update(bankConnections).set({ nextSyncAt: null }).where(eq(bankConnections.id, c.connectionId));
    expect(await enqueue(syncConnectionJob, { connectionId: c.connectionId }, { singletonKey: c.connectionId })).toEqual(expect.any(String));
    expect(await enqueue(syncConnectionJob, { connectionId: c.connectionId }, { singletonKey: c.connectionId })).toBeNull();
    expect((await runQueuedJobs(job)).map((r) => (r.output as { status: string }).status)).toEqual(["succeeded"]);
  });

  it("V15.4.3 V16.5.2 the queues retry a failed job with exponential backoff, and the schedule is one job at a time", async () => {
    await enqueueDueSyncs({ organizationId: "00000000-0000-4000-8000-000000000000" }); // creates the queue
    const boss = await getBoss();
    expect(await boss.getQueue(syncConnectionJob.queue)).toMatchObject({ policy: "stately", retryLimit: 4, retryDelay: 30, retryBackoff: true });
    const id = await enqueue(syncScheduleJob, {});
    expect(await boss.getQueue(syncScheduleJob.queue)).toMatchObject({ policy: "singleton" });
    // A thrown error (here: an id that is not a uuid, so the database refuses the query) fails the job into "retry", not lost.
    const bad = await enqueue(syncConnectionJob, { connectionId: "not-a-uuid" }, { singletonKey: "not-a-uuid" });
    const results = await runQueuedJobs(job, 1);
    expect(results).toMatchObject([{ id: bad, ok: false }]);
    expect((await boss.getJobById(syncConnectionJob.queue, bad!))?.state).toBe("retry");
    await boss.cancel(syncConnectionJob.queue, bad!);
    await boss.cancel(syncScheduleJob.queue, id!);
  });
});

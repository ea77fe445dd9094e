import { afterAll, describe, expect, it } from "vitest";
import { enqueue, enqueueSingleton, getBoss, queueHealth, runQueuedJobs, stopBoss, type JobDefinition } from "@/lib/jobs";

const unique = `t${process.pid}_${Date.now().toString(36)}`;
const ran: string[] = [];
const echo: JobDefinition<{ n: number }> = {
  queue: `test-echo-${unique}`,
  policy: "standard",
  retryLimit: 0,
  retryDelaySeconds: 1,
  retryBackoff: false,
  expireInSeconds: 60,
  run: async (data) => {
    ran.push(`echo:${data.n}`);
    return { doubled: data.n * 2 };
  },
};
const only: JobDefinition<{ from: string }> = { ...echo, queue: `test-only-${unique}`, policy: "singleton", run: async (d) => ran.push(`only:${d.from}`) };

afterAll(() => stopBoss());

describe("lib/jobs (pg-boss on the app's database)", { timeout: 120_000 }, () => {
  it("V13.1.1 runs the same queue code on this database (PGlite in development) and records the output", async () => {
    await getBoss(); // starts pg-boss and creates its schema on first use
    const id = await enqueue(echo, { n: 21 });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const results = await runQueuedJobs(echo as JobDefinition<never>);
    expect(results).toEqual([{ id, ok: true, output: { doubled: 42 } }]);
    const boss = await getBoss();
    const job = await boss.getJobById(echo.queue, id!);
    expect(job?.state).toBe("completed");
    expect(job?.output).toEqual({ doubled: 42 });
  });

  it("V2.4.1 answers a second singleton trigger with the id of the one already waiting or running, never a second job", async () => {
    const [a, b] = await Promise.all([enqueueSingleton(only, { from: "a" }), enqueueSingleton(only, { from: "b" })]);
    const queued = [a, b].filter((o) => o.queued);
    expect(queued).toHaveLength(1);
    const refused = [a, b].find((o) => !o.queued)!;
    expect(refused.jobId).toBe(queued[0]!.jobId);
    const health = (await queueHealth()).find((q) => q.queue === only.queue);
    expect(health).toMatchObject({ waiting: 1, active: 0, failed: 0 });
    expect(health!.oldestWaitingSeconds).toBeGreaterThanOrEqual(0);
    expect((await runQueuedJobs(only as JobDefinition<never>)).map((r) => r.ok)).toEqual([true]);
    expect(ran.filter((r) => r.startsWith("only:"))).toHaveLength(1);
    // Finished: the next trigger makes a new job.
    const next = await enqueueSingleton(only, { from: "c" });
    expect(next.queued).toBe(true);
    expect(next.jobId).not.toBe(queued[0]!.jobId);
    await runQueuedJobs(only as JobDefinition<never>);
  });

  it("V16.3.3 keeps a failed job as failed, with its error, in the queue health", async () => {
    const failing: JobDefinition<object> = { ...echo, queue: `test-fail-${unique}`, run: async () => { throw new Error("bank unreachable"); } };
    const id = await enqueue(failing, {});
    const [r] = await runQueuedJobs(failing as JobDefinition<never>);
    expect(r).toMatchObject({ id, ok: false });
    const job = await (await getBoss()).getJobById(failing.queue, id!);
    expect(job?.state).toBe("failed");
    expect(JSON.stringify(job?.output)).toContain("bank unreachable");
    expect((await queueHealth()).find((q) => q.queue === failing.queue)).toMatchObject({ waiting: 0, active: 0, failed: 1 });
  });
});

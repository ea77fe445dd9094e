import { describe, expect, it, vi } from "vitest";
import { GET, POST } from "@/app/api/cron/alerts/route";
import { webhookDeliveryJob } from "@/lib/alerts";
import { getBoss, runQueuedJobs, type JobDefinition } from "@/lib/jobs";

const SECRET = "cron-secret-for-tests-0123456789abcdef";
const call = (handler: typeof GET, auth?: string) =>
  handler(new Request("http://localhost:3000/api/cron/alerts", { method: "POST", headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({}) });

describe("/api/cron/alerts", () => {
  it("V8.2.1 V13.2.1 enqueues the delivery job only for the CRON_SECRET bearer; the worker runs it", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    await runQueuedJobs(webhookDeliveryJob as JobDefinition<never>); // nothing left from another file
    expect((await call(POST)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET}x`)).status).toBe(403);
    expect((await call(POST, SECRET)).status).toBe(403);
    expect(await runQueuedJobs(webhookDeliveryJob as JobDefinition<never>)).toEqual([]); // refused calls queued nothing
    const ok = await call(GET, `Bearer ${SECRET}`);
    expect(ok.status).toBe(202);
    const { job } = (await ok.json()) as { job: { id: string; state: string } };
    expect(job).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), state: "created" });
    // A second call within the throttle slot adds no second run.
    expect(await (await call(POST, `Bearer ${SECRET}`)).json()).toEqual({ job: null });
    const [ran, ...more] = await runQueuedJobs(webhookDeliveryJob as JobDefinition<never>);
    expect(more).toEqual([]);
    expect(ran).toMatchObject({ id: job.id, ok: true, output: { delivered: expect.any(Number), retried: expect.any(Number), failed: expect.any(Number), auditBatchesQueued: expect.any(Number) } });
    expect((await (await getBoss()).getJobById(webhookDeliveryJob.queue, job.id))?.state).toBe("completed");
  });

  it("V13.2.1 does not exist without a (long enough) CRON_SECRET", async () => {
    vi.stubEnv("CRON_SECRET", "");
    expect((await call(POST, "Bearer ")).status).toBe(404);
    vi.stubEnv("CRON_SECRET", "short");
    expect((await call(POST, "Bearer short")).status).toBe(404);
  });
});

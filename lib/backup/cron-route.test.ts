import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET, POST } from "@/app/api/cron/backup/route";
import { getDb } from "@/db";
import { backupJob } from "@/lib/backup";
import { resetEnvCache } from "@/lib/env";
import { getBoss, runQueuedJobs, type JobDefinition } from "@/lib/jobs";
import { expectAudited } from "@/tests/audit";

const SECRET = "cron-secret-for-tests-0123456789abcdef";
const root = mkdtempSync(join(tmpdir(), "ck-backup-cron-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const call = (handler: typeof GET, auth?: string) =>
  handler(new Request("http://localhost:3000/api/cron/backup", { method: "POST", headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({}) });

// Each test dumps and/or restores the whole per-worker test database, which grows as the run goes on: minutes on a busy machine.
describe("/api/cron/backup", { timeout: 180_000 }, () => {
  it("V8.2.1 V13.2.1 refuses anything but the CRON_SECRET bearer, and does not exist without one", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    expect((await call(POST)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET}x`)).status).toBe(403);
    expect((await call(POST, `Bearer ${SECRET.slice(0, -1)}`)).status).toBe(403);
    expect((await call(POST, SECRET)).status).toBe(403);
    vi.stubEnv("CRON_SECRET", "");
    expect((await call(POST, "Bearer ")).status).toBe(404);
    vi.stubEnv("CRON_SECRET", "short");
    expect((await call(POST, "Bearer short")).status).toBe(404);
  });

  it("V14.2.4 V16.3.3 enqueues backup, verify, prune and the copy check as one job the workers run, each recorded and audited", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    vi.stubEnv("BACKUP_TARGETS", `${join(root, "region-a")},file:${join(root, "region-b")}`);
    resetEnvCache();
    const res = await call(GET, `Bearer ${SECRET}`);
    expect(res.status).toBe(202);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { job } = (await res.json()) as { job: { id: string; state: string } };
    expect(job).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), state: "created" });
    const [ran, ...more] = await runQueuedJobs(backupJob as JobDefinition<never>);
    expect(more).toEqual([]);
    expect(ran).toMatchObject({ id: job.id, ok: true });
    const body = ran!.output as {
      backup: { name: string; status: string; targets: { ok: boolean }[] };
      verify: { status: string };
      prune: { run: string; deleted: number; kept: number };
      copies: { run: string; status: string; verified: number; failed: number };
    };
    expect(body.backup.status).toBe("succeeded");
    expect(body.backup.targets).toHaveLength(2);
    expect(body.verify.status).toBe("succeeded");
    expect(body.prune).toEqual({ run: expect.any(String), deleted: 0, kept: 1 });
    expect(body.copies).toEqual({ run: expect.any(String), status: "succeeded", verified: 2, failed: 0 }); // both copies read back
    // The job's stored output (pg-boss) names backups and counts, never a key.
    const stored = await (await getBoss()).getJobById(backupJob.queue, job.id);
    expect(stored?.state).toBe("completed");
    expect(JSON.stringify(stored?.output)).not.toMatch(/wrapped|lw1\./);
    await expectAudited(getDb(), { action: "backup.created", organizationId: null, targetId: body.backup.name, metadata: { backup: body.backup.name, status: "succeeded" } });
    await expectAudited(getDb(), { action: "backup.verified", organizationId: null, targetId: body.backup.name, metadata: { backup: body.backup.name, status: "succeeded" } });
    await expectAudited(getDb(), { action: "backup.pruned", organizationId: null, metadata: { run: body.prune.run, status: "succeeded" } });
  }, 120_000); // a backup, a scratch restore and two read-backs on a shared CPU

  it("V2.4.1 V15.4.2 answers 409 with the waiting or running job's id to every further trigger, and runs one backup for two at once", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    const [a, b] = await Promise.all([call(POST, `Bearer ${SECRET}`), call(POST, `Bearer ${SECRET}`)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const accepted = (await (a.status === 202 ? a : b).json()) as { job: { id: string } };
    const refused = (await (a.status === 409 ? a : b).json()) as { error: { code: string; message: string }; job: { id: string; state: string } };
    expect(refused.error.code).toBe("backup_running");
    expect(refused.error.message).toMatch(/already waiting or running/);
    expect(refused.job).toEqual({ id: accepted.job.id, state: "created" });
    // While it runs, a trigger still gets its id and state "active".
    const boss = await getBoss();
    const [active] = await boss.fetch(backupJob.queue);
    expect(active?.id).toBe(accepted.job.id);
    const during = await call(POST, `Bearer ${SECRET}`);
    expect(during.status).toBe(409);
    expect(((await during.json()) as { job: unknown }).job).toEqual({ id: accepted.job.id, state: "active" });
    await boss.cancel(backupJob.queue, accepted.job.id); // this test proves the guard, not a second dump
    expect(await runQueuedJobs(backupJob as JobDefinition<never>)).toEqual([]);
  });
});

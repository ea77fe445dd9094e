import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, gte } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { startBackupAction } from "@/app/(app)/admin/backups/actions";
import { getDb } from "@/db";
import { backupRuns } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { runQueuedJobs, type JobDefinition } from "@/lib/jobs";
import { makeSession, makeUser } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { backupJob } from ".";

const root = mkdtempSync(join(tmpdir(), "ck-backup-now-"));
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
  rmSync(root, { recursive: true, force: true });
});

async function as(who: { user: { id: string }; organizationId: string }) {
  resetRequestContext();
  setRequestCookie("ck_session", (await makeSession(who.user.id, who.organizationId)).token);
  setRequestHeaders({ "x-pathname": "/admin/backups" });
}

// The job dumps and test-restores the whole per-worker test database: minutes on a busy machine.
describe("Back up now on /admin/backups (issue 22)", { timeout: 180_000 }, () => {
  it("V8.2.1 an organization's owner holds backups:read but may not run the platform's backups: refused, nothing queued", async () => {
    await as(await makeUser());
    expect(await startBackupAction(undefined, new FormData())).toMatchObject({ ok: false, message: "Only ChargeKeep's operators can start a backup." });
    expect(await runQueuedJobs(backupJob as JobDefinition<never>)).toEqual([]);
  });

  it("an operator's press queues the scheduled job once; each of its runs ends with its progress at done", async () => {
    vi.stubEnv("BACKUP_TARGETS", `${join(root, "a")},${join(root, "b")}`);
    resetEnvCache();
    const since = new Date();
    await as(await makeUser({ operator: true }));
    expect(await startBackupAction(undefined, new FormData())).toEqual({ ok: true, message: "Backup started. Its progress shows below." });
    // A second press while it waits is that same job (a singleton), never a second backup.
    expect(await startBackupAction(undefined, new FormData())).toEqual({ ok: true, message: "A backup is already waiting or running: its progress shows below." });
    // The worker's side, here in this process (a fresh queue may hand the job out a moment later).
    let ran: Awaited<ReturnType<typeof runQueuedJobs>> = [];
    for (let i = 0; i < 20 && ran.length === 0; i++) {
      ran = await runQueuedJobs(backupJob as JobDefinition<never>);
      if (ran.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ran).toHaveLength(1);
    expect(ran[0]!.ok).toBe(true);
    const runs = await getDb()
      .select({ kind: backupRuns.kind, status: backupRuns.status, progress: backupRuns.progress })
      .from(backupRuns)
      .where(and(eq(backupRuns.trigger, "admin"), gte(backupRuns.startedAt, since)));
    expect(runs.map((r) => r.kind).sort()).toEqual(["backup", "check", "prune", "verify"]);
    for (const r of runs) expect(r.progress, r.kind).toMatchObject({ phase: "done" });
  });
});

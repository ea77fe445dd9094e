import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { organizations } from "@/db/schema";
import { auditAnchorJob, recordAudit } from "@/lib/audit";
import { resetEnvCache } from "@/lib/env";
import { enqueue, runQueuedJobs, stopBoss, type JobDefinition } from "@/lib/jobs";
import { jobDefinitions, jobSchedules } from ".";

afterAll(() => stopBoss());

const cronOf = (queue: string) => jobSchedules().schedules.find((s) => s.def.queue === queue)?.cron ?? null;

describe("the cluster's schedules (pg-boss crons, one enqueue per slot for every instance)", { timeout: 120_000 }, () => {
  it("V16.4.3 V13.1.1 audit anchors and the domain re-check run as jobs on crons, not per-process timers; AUDIT_ANCHOR_INTERVAL_SECONDS sets (or turns off) the anchor's", () => {
    expect(jobDefinitions().map((d) => d.queue)).toEqual(expect.arrayContaining(["audit-anchor", "domain-recheck"]));
    expect(cronOf("audit-anchor")).toBe("* * * * *");
    expect(cronOf("domain-recheck")).toBe("17 * * * *");
    vi.stubEnv("AUDIT_ANCHOR_INTERVAL_SECONDS", "300");
    resetEnvCache();
    expect(cronOf("audit-anchor")).toBe("*/5 * * * *");
    vi.stubEnv("AUDIT_ANCHOR_INTERVAL_SECONDS", "0");
    resetEnvCache();
    expect(cronOf("audit-anchor")).toBeNull();
    expect(jobSchedules().unschedule).toContain("audit-anchor");
  });

  it("V16.4.3 the anchor job writes a signed anchor when a chain moved, and nothing when none did", async () => {
    vi.stubEnv("BACKUP_TARGETS", mkdtempSync(path.join(tmpdir(), "ck-anchor-job-")));
    resetEnvCache();
    const org = randomUUID();
    await getDb().insert(organizations).values({ id: org, name: "Anchor job" });
    await recordAudit(getDb(), { organizationId: org, actorUserId: null, action: "role.updated", result: "success" });
    await enqueue(auditAnchorJob, {});
    const [first] = await runQueuedJobs(auditAnchorJob as JobDefinition<never>);
    expect(first).toMatchObject({ ok: true, output: { written: true, anchorId: expect.any(String) } });
    await enqueue(auditAnchorJob, {});
    const [second] = await runQueuedJobs(auditAnchorJob as JobDefinition<never>);
    expect(second).toMatchObject({ ok: true, output: { written: false, why: "unchanged" } });
  });
});

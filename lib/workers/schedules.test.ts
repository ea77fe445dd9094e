import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { organizations } from "@/db/schema";
import { auditAnchorJob, recordAudit } from "@/lib/audit";
import { resetEnvCache } from "@/lib/env";
import { enqueue, runQueuedJobs, stopBoss, type JobDefinition } from "@/lib/jobs";
import { fileStore } from "@/lib/storage";
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

  it("V16.4.3 the anchor job writes a signed anchor of the moved chain to the backup targets", async () => {
    const target = mkdtempSync(path.join(tmpdir(), "ck-anchor-job-"));
    vi.stubEnv("BACKUP_TARGETS", target);
    resetEnvCache();
    const org = randomUUID();
    await getDb().insert(organizations).values({ id: org, name: "Anchor job" });
    await recordAudit(getDb(), { organizationId: org, actorUserId: null, action: "role.updated", result: "success" });
    await enqueue(auditAnchorJob, {});
    const [run] = await runQueuedJobs(auditAnchorJob as JobDefinition<never>);
    // Other test workers share a PostgreSQL database and move its chains too: this chain moved, so an anchor is due.
    expect(run).toMatchObject({ ok: true, output: { written: true, anchorId: expect.any(String) } });
    const [latest] = (await fileStore(target).list("audit-anchors/")).filter((o) => o.key.endsWith("/latest.json"));
    const anchor = JSON.parse(await readFile(path.join(target, latest!.key), "utf8")) as { id: string; heads: { chain: string; seq: number }[] };
    expect(anchor.id).toBe((run!.output as { anchorId: string }).anchorId);
    expect(anchor.heads).toContainEqual(expect.objectContaining({ chain: org, seq: 1 }));
  });
});

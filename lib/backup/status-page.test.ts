import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET as cronBackup } from "@/app/api/cron/backup/route";
import { getDb, getDbHandle } from "@/db";
import { alerts, auditEvents, backupCopies } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { useFakeClock } from "@/lib/clock";
import { resetEnvCache } from "@/lib/env";
import { makeSession, makeUser, type BuiltInRole } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { runQueuedJobs, type JobDefinition } from "@/lib/jobs";
import { backupJob, backupStatusFor, createBackup, DATA_KEY, sourceOf, verifyBackup, verifyCopies } from ".";

const root = mkdtempSync(join(tmpdir(), "ck-backup-page-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function render(token: string): Promise<{ outcome: "ok" | "forbidden"; html?: string }> {
  resetRequestContext();
  setRequestCookie("ck_session", token);
  setRequestHeaders({ "x-pathname": "/admin/backups" });
  const mod = (await import("@/app/(app)/admin/backups/page")) as { default: () => Promise<ReactElement> };
  try {
    return { outcome: "ok", html: renderToStaticMarkup(await mod.default()) };
  } catch (e) {
    if (String((e as { digest?: string }).digest ?? "").endsWith(";403")) return { outcome: "forbidden" };
    throw e;
  }
}

// Each test dumps and/or restores the whole per-worker test database, which grows as the run goes on: minutes on a busy machine.
describe("/admin/backups status page", { timeout: 180_000 }, () => {
  it("V8.2.1 needs backups:read: only the owner sees it", async () => {
    const owner = await makeUser();
    for (const role of ["admin", "accountant", "member", "viewer"] as BuiltInRole[]) {
      const m = await makeUser({ organizationId: owner.organizationId, role });
      expect((await render((await makeSession(m.user.id, owner.organizationId)).token)).outcome, role).toBe("forbidden");
    }
    expect((await render((await makeSession(owner.user.id, owner.organizationId)).token)).outcome).toBe("ok");
  });

  it("V14.2.6 V13.4.6 shows operators the last backup, per-target state and history, without storage paths or errors", async () => {
    const dir = join(root, "secret-location-name");
    vi.stubEnv("BACKUP_TARGETS", `${dir},${join(root, "blocked-file")}`);
    resetEnvCache();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(root, "blocked-file"), "x");
    const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "admin" });
    expect(result.status).toBe("partial");
    const operator = await makeUser({ operator: true });
    const page = await render((await makeSession(operator.user.id, operator.organizationId)).token);
    expect(page.html).toContain("Target 1 (directory)");
    expect(page.html).toContain(result.name);
    expect(page.html).toContain("partial");
    expect(page.html).not.toContain("secret-location-name");
    expect(page.html).not.toContain("ENOTDIR");
  });
});

describe("/admin/backups: least privilege and the truth about every copy", () => {
  it("V8.2.1 V14.2.6 V15.3.1 an organization's owner learns only that its data is backed up and when it was last verified", async () => {
    vi.stubEnv("BACKUP_TARGETS", `${join(root, "tenant-a")},${join(root, "tenant-b")}`);
    resetEnvCache();
    const backup = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "admin" });
    const verified = await verifyBackup(getDb(), sourceOf(getDbHandle()), { trigger: "admin", name: backup.name });
    expect(verified.status).toBe("succeeded");

    const owner = await makeUser();
    const { token } = await makeSession(owner.user.id, owner.organizationId);
    // The data itself, before any page: the summary carries two facts and nothing else.
    const data = await backupStatusFor(getDb(), (await validateSessionToken(getDb(), token))!);
    expect(data.view).toBe("organization");
    expect(Object.keys((data as { summary: object }).summary).sort()).toEqual(["backedUp", "lastVerifiedAt"]);
    expect(data).toMatchObject({ summary: { backedUp: true, lastVerifiedAt: expect.any(Date) } });

    const html = (await render(token)).html!;
    expect(html).toContain("Backed up");
    expect(html).toContain("Last verified by a test restore");
    // No platform history, sizes, backup names, targets or run results.
    for (const leak of [backup.name, "History", "Target", "Copies", "Backups held", " KB", " MB", "succeeded", "partial", "tenant-a", "admin"]) {
      expect(html, leak).not.toContain(leak);
    }

    // An operator, in the same state, sees the platform view.
    const operator = await makeUser({ operator: true });
    const full = (await render((await makeSession(operator.user.id, operator.organizationId)).token)).html!;
    expect(full).toContain(backup.name);
    expect(full).toContain("History");
    expect(full).toContain("Target 2 (directory)");
  }, 120_000); // a backup and a scratch restore on a shared CPU

  it("V14.2.4 V16.3.3 V16.3.4 the schedule checks every copy: a flipped byte and a truncated copy at one target show failed and raise alerts, the good copies verified", async () => {
    const SECRET = "cron-secret-for-tests-0123456789abcdef";
    const a = join(root, "copies-a");
    const b = join(root, "copies-b");
    vi.stubEnv("CRON_SECRET", SECRET);
    vi.stubEnv("BACKUP_TARGETS", `${a},${b}`);
    resetEnvCache();
    // Three days, the last two days ago: these runs never look newer than another test's.
    const clock = useFakeClock(new Date(Date.now() - 4 * 24 * 3_600_000));
    const nightly = async () => {
      const res = await cronBackup(new Request("http://localhost:3000/api/cron/backup", { headers: { authorization: `Bearer ${SECRET}` } }), { params: Promise.resolve({}) });
      expect(res.status).toBe(202); // the route enqueues; the worker runs it (here, in this process)
      const { job } = (await res.json()) as { job: { id: string } };
      const [ran] = (await runQueuedJobs(backupJob as JobDefinition<never>)).filter((r) => r.id === job.id);
      expect(ran?.ok).toBe(true);
      return ran!.output as { backup: { name: string; status: string }; copies: { run: string; status: string; verified: number; failed: number } };
    };

    // Days 1 and 2: a backup each to both targets, and every copy checked good (the schedule's
    // restore is left to day 3: it is the slow part on a shared CPU).
    const first = { backup: await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cron" }) };
    clock.advance(24 * 3_600_000);
    const second = { backup: await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cron" }) };
    const good = await verifyCopies(getDb(), { trigger: "cron" });
    expect(good).toMatchObject({ status: "succeeded", unreadable: [] });
    expect(good.copies.map((c) => c.state)).toEqual(["verified", "verified", "verified", "verified"]);
    const lastGoodCheck = clock.now();

    // Between two nights, the copies at target B are damaged: one flipped byte, one cut short.
    const flipped = join(b, first.backup.name, DATA_KEY);
    const bytes = readFileSync(flipped);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(flipped, bytes);
    const cut = join(b, second.backup.name, DATA_KEY);
    writeFileSync(cut, readFileSync(cut).subarray(0, Math.floor(readFileSync(cut).length * 0.6)));

    clock.advance(24 * 3_600_000);
    const third = await nightly(); // day 3, the schedule: backup, restore, prune, and the check finds both
    expect(third.backup.status).toBe("succeeded");
    expect(third.copies).toMatchObject({ status: "failed", verified: 4, failed: 2 });

    const rows = await getDb().select().from(backupCopies);
    const copy = (name: string, location: string) => rows.find((r) => r.backupName === name && r.location === location)!;
    expect(copy(first.backup.name, b)).toMatchObject({ state: "failed", error: expect.stringMatching(/SHA-256: it was altered/), verifiedAt: lastGoodCheck }); // when it last passed
    expect(copy(second.backup.name, b)).toMatchObject({ state: "failed", error: expect.stringMatching(/truncated or altered/) });
    expect(copy(first.backup.name, b).checkedAt).toEqual(clock.now());
    for (const name of [first.backup.name, second.backup.name, third.backup.name]) expect(copy(name, a)).toMatchObject({ state: "verified", verifiedAt: clock.now(), error: null });
    expect(copy(third.backup.name, b)).toMatchObject({ state: "verified" });

    // One platform alert per damaged copy, for the operators; the good copies raise none.
    const raised = await getDb().select().from(alerts).where(and(isNull(alerts.organizationId), eq(alerts.rule, "backup.copy_failed")));
    const about = (name: string, location: string) => raised.filter((r) => r.dedupeKey === `backup:copy:${name}:${location}`);
    expect(about(first.backup.name, b)).toMatchObject([{ severity: "high", status: "open", title: "A backup copy failed verification" }]);
    expect(about(second.backup.name, b)).toMatchObject([{ severity: "high", status: "open" }]);
    expect(about(first.backup.name, a)).toEqual([]);
    expect(about(third.backup.name, b)).toEqual([]);
    const [checked] = await getDb().select().from(auditEvents).where(and(eq(auditEvents.action, "backup.copies_checked"), sql`${auditEvents.metadata} ->> 'run' = ${third.copies.run}`));
    expect(checked).toMatchObject({ organizationId: null, result: "failure", metadata: { verified: 4, failed: 2 } });

    // The operators' page says so, copy by copy; the good copy of the same backup stays verified.
    const operator = await makeUser({ operator: true });
    const html = (await render((await makeSession(operator.user.id, operator.organizationId)).token)).html!;
    const copyRows = [...html.matchAll(/<tr[^>]*data-testid="backup-copy"[^>]*>(.*?)<\/tr>/g)].map((m) => m[1]!);
    const rowOf = (name: string, target: string) => copyRows.find((r) => r.includes(name) && r.includes(target))!;
    expect(rowOf(first.backup.name, "Target 2 (directory)")).toMatch(/>failed<.*SHA-256: it was altered/);
    expect(rowOf(second.backup.name, "Target 2 (directory)")).toMatch(/>failed<.*truncated or altered/);
    expect(rowOf(first.backup.name, "Target 1 (directory)")).toContain(">verified<");
    expect(rowOf(second.backup.name, "Target 1 (directory)")).toContain(">verified<");
    expect(html).toContain("2 backup copies failed verification");
    expect(html).not.toContain(b); // locations read as "Target 2", in error texts too

    // A tenant's owner sees none of it.
    const owner = await makeUser();
    const tenant = (await render((await makeSession(owner.user.id, owner.organizationId)).token)).html!;
    expect(tenant).not.toContain("failed");
    expect(tenant).not.toContain(first.backup.name);
  }, 300_000); // three backups, a scratch restore and ten read-backs on a shared CPU
});

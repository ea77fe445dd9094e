import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle } from "@/db";
import { alerts, backupCopies } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { fileStore, type ObjectStore } from "@/lib/storage";
import { expectAudited } from "@/tests/audit";
import { createBackup, MANIFEST_KEY, pruneBackups, sourceOf, verifyCopies } from ".";

const root = mkdtempSync(join(tmpdir(), "ck-backup-copies-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const db = () => getDb();

async function copyRows(locations: string[]) {
  return db().select().from(backupCopies).where(inArray(backupCopies.location, locations));
}

async function copyAlert(name: string, location: string) {
  const [a] = await db()
    .select()
    .from(alerts)
    .where(and(isNull(alerts.organizationId), eq(alerts.rule, "backup.copy_failed"), eq(alerts.dedupeKey, `backup:copy:${name}:${location}`)));
  return a;
}

describe("checking every copy at every target (lib/backup/verify-copies)", () => {
  it("V14.2.4 V16.3.4 a copy removed by someone else or left partial fails (critical when no sound copy is left); a pruned one is forgotten", async () => {
    // An hour ago, a minute apart: names sort by time, and these runs never look newer than another test's.
    const clock = useFakeClock(new Date(Date.now() - 3_600_000));
    const a = fileStore(join(root, "a"));
    const b = fileStore(join(root, "b"));
    const first = await createBackup(db(), sourceOf(getDbHandle()), { trigger: "cli", targets: [a, b] });
    expect(first.status).toBe("succeeded");
    expect((await verifyCopies(db(), { trigger: "cli", targets: [a, b] })).copies.map((c) => c.state)).toEqual(["verified", "verified"]);

    // Someone deletes the copy at B and the manifest at A.
    rmSync(join(b.location, first.name), { recursive: true });
    await a.delete(`${first.name}/${MANIFEST_KEY}`);
    const damaged = await verifyCopies(db(), { trigger: "cli", targets: [a, b] });
    expect(damaged.status).toBe("failed");
    expect(damaged.copies).toEqual([
      { name: first.name, location: a.location, state: "failed", error: `${first.name} in ${a.location} is partial: its manifest is missing.` },
      { name: first.name, location: b.location, state: "failed", error: `${first.name} is gone from ${b.location}, and no prune run deleted it.` },
    ]);
    expect(await copyAlert(first.name, a.location)).toMatchObject({ severity: "critical", status: "open" });
    expect(await copyAlert(first.name, b.location)).toMatchObject({ severity: "critical", detail: expect.stringContaining("No other target holds a sound copy") });
    expect((await copyRows([a.location, b.location])).map((r) => r.state)).toEqual(["failed", "failed"]);

    // Retention deletes that broken backup once a newer one exists: its copies are no longer expected.
    clock.advance(60_000);
    const second = await createBackup(db(), sourceOf(getDbHandle()), { trigger: "cli", targets: [a, b] });
    const pruned = await pruneBackups(db(), { trigger: "cli", targets: [a, b], keep: { daily: 1, weekly: 1, monthly: 1 } });
    expect(pruned.deleted).toEqual([first.name]);
    const after = await verifyCopies(db(), { trigger: "cli", targets: [a, b] });
    expect(after).toMatchObject({ status: "succeeded", unreadable: [] });
    expect(after.copies.map((c) => [c.name, c.state])).toEqual([
      [second.name, "verified"],
      [second.name, "verified"],
    ]);
    expect((await copyRows([a.location, b.location])).map((r) => r.backupName)).toEqual([second.name, second.name]);
  }, 120_000);

  it("V16.3.4 a target that cannot be listed fails every copy it held, with an alert", async () => {
    const good = fileStore(join(root, "good"));
    let down = false;
    const flaky: ObjectStore = {
      ...fileStore(join(root, "flaky")),
      location: join(root, "flaky"),
      list: async (prefix: string) => {
        if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:9");
        return fileStore(join(root, "flaky")).list(prefix);
      },
    };
    const backup = await createBackup(db(), sourceOf(getDbHandle()), { trigger: "cli", targets: [good, flaky] });
    expect(backup.status).toBe("succeeded");
    expect((await verifyCopies(db(), { trigger: "cli", targets: [good, flaky] })).status).toBe("succeeded");
    down = true;
    const result = await verifyCopies(db(), { trigger: "cli", targets: [good, flaky] });
    expect(result.unreadable).toEqual([{ location: flaky.location, error: "the target could not be read: connect ECONNREFUSED 127.0.0.1:9" }]);
    expect(result.copies).toEqual([
      { name: backup.name, location: good.location, state: "verified", bytes: expect.any(Number) },
      { name: backup.name, location: flaky.location, state: "failed", error: "the target could not be read: connect ECONNREFUSED 127.0.0.1:9" },
    ]);
    expect(await copyAlert(backup.name, flaky.location)).toMatchObject({ severity: "high" });
    await expectAudited(db(), { action: "backup.copies_checked", organizationId: null, result: "failure", metadata: { run: result.runId, verified: 1, failed: 1, unreadableTargets: 1 } });
    const [targetAlert] = await db().select().from(alerts).where(and(isNull(alerts.organizationId), eq(alerts.dedupeKey, `backup:copy-target:${flaky.location}`)));
    expect(targetAlert).toMatchObject({ title: "A backup target could not be read", severity: "high" });
  }, 120_000);
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { eq } from "drizzle-orm";
import { backupRuns } from "@/db/schema";
import { fileStore } from "@/lib/storage";
import { expectAudited } from "@/tests/audit";
import { anchorFolder } from "@/lib/audit";
import { listBackups, pruneBackups, selectKept } from ".";

const root = mkdtempSync(join(tmpdir(), "ck-backup-prune-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const at = (iso: string) => `${iso.replace(/[-:]/g, "")}-${randomBytes(2).toString("hex")}`;

async function fakeBackup(store: ReturnType<typeof fileStore>, name: string, complete = true) {
  await store.put(`${name}/backup.ckb`, Readable.from([Buffer.from("x")]));
  if (complete) await store.put(`${name}/manifest.json`, Readable.from([Buffer.from("{}")]));
}

describe("retention (backup:prune)", () => {
  it("V14.2.7 keeps the newest of each of the last N days, weeks and months", () => {
    const names = ["2026-03-10T02:30:00Z", "2026-03-10T01:00:00Z", "2026-03-09T02:30:00Z", "2026-03-02T02:30:00Z", "2026-02-27T02:30:00Z", "2026-02-01T02:30:00Z", "2026-01-15T02:30:00Z"];
    const backups = names.map((n) => ({ name: n, createdAt: new Date(n) }));
    const kept = selectKept(backups, { daily: 2, weekly: 2, monthly: 3 }, []);
    // days: 03-10, 03-09; weeks: W11 (03-10), W10 (03-02); months: 03, 02 (02-27), 01 (01-15).
    expect([...kept].sort()).toEqual(["2026-01-15T02:30:00Z", "2026-02-27T02:30:00Z", "2026-03-02T02:30:00Z", "2026-03-09T02:30:00Z", "2026-03-10T02:30:00Z"]);
  });

  it("V14.2.7 V16.3.3 prunes every target, never deletes the only verified backup, and records backup.pruned", async () => {
    const a = fileStore(join(root, "a"));
    const b = fileStore(join(root, "b"));
    const verified = at("2025-06-15T02:30:00Z");
    const days = Array.from({ length: 10 }, (_, i) => at(`2026-03-${String(i + 1).padStart(2, "0")}T02:30:00Z`));
    const early = at("2026-03-10T01:00:00Z");
    const partialOld = at("2026-02-20T02:30:00Z");
    for (const store of [a, b]) {
      for (const name of [verified, ...days, early]) await fakeBackup(store, name);
      await fakeBackup(store, partialOld, false);
    }
    await getDb().insert(backupRuns).values({ kind: "verify", trigger: "cli", status: "succeeded", backupName: verified, finishedAt: new Date() });
    const result = await pruneBackups(getDb(), { trigger: "cli", keep: { daily: 2, weekly: 1, monthly: 1 }, targets: [a, b] });
    expect(result.kept.sort()).toEqual([verified, days[8]!, days[9]!].sort());
    expect(result.deleted.sort()).toEqual([...days.slice(0, 8), early, partialOld].sort());
    for (const store of [a, b]) expect((await listBackups([store])).map((x) => x.name).sort()).toEqual([verified, days[8]!, days[9]!].sort());
    await expectAudited(getDb(), { action: "backup.pruned", organizationId: null, result: "success", metadata: { run: result.runId, deleted: 10, kept: 3 } });
  });

  it("V14.2.7 V16.3.3 never deletes a backup younger than BACKUP_IMMUTABLE_DAYS, and says which and until when", async () => {
    vi.stubEnv("BACKUP_IMMUTABLE_DAYS", "30");
    resetEnvCache();
    const store = fileStore(join(root, "immutable"));
    const day = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const recent = [1, 2, 3, 4].map((d) => at(iso(Date.now() - d * day))); // policy keeps 1 daily: 3 of these are due
    const old = at(iso(Date.now() - 40 * day));
    for (const name of [...recent, old]) await fakeBackup(store, name);
    const result = await pruneBackups(getDb(), { trigger: "cli", keep: { daily: 1, weekly: 1, monthly: 1 }, targets: [store] });
    expect(result.deleted).toEqual([old]); // past its window: deleted as the policy says
    expect(result.locked.map((l) => l.name).sort()).toEqual(recent.slice(1).sort());
    for (const l of result.locked) expect(new Date(l.until).getTime()).toBeGreaterThan(Date.now() + 25 * day);
    expect((await listBackups([store])).map((x) => x.name).sort()).toEqual(recent.sort());
    const [run] = await getDb().select().from(backupRuns).where(eq(backupRuns.id, result.runId));
    expect((run!.details as { locked: unknown[] }).locked).toHaveLength(3);
    await expectAudited(getDb(), { action: "backup.pruned", organizationId: null, metadata: { run: result.runId, deleted: 1, lockedKept: 3 } });
  });
});

describe("audit anchors beside the backups", () => {
  it("V14.2.7 the prune applies the anchors' retention too: an old day keeps its newest anchor only", async () => {
    const store = fileStore(join(root, "anchors"));
    const folder = anchorFolder();
    const old = ["20250102T010000000Z-schedule-aaaaaaaa", "20250102T020000000Z-schedule-bbbbbbbb"].map((n) => `${folder}2025-01-02/${n}.json`);
    for (const key of old) await store.put(key, Readable.from([Buffer.from("{}")]));
    const result = await pruneBackups(getDb(), { trigger: "cli", targets: [store] });
    expect(result.anchorsDeleted).toBe(1);
    expect((await store.list(folder)).map((o) => o.key)).toEqual([old[1]]);
  });
});

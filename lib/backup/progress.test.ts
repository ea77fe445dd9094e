import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle } from "@/db";
import { backupRuns } from "@/db/schema";
import { fileStore } from "@/lib/storage";
import { createBackup, restoreBackup, sourceOf, verifyBackup, type BackupProgress } from ".";
import { describeProgress, progressRecorder, throttled } from "./progress";
import { scratchPostgres } from "./postgres-tools";

const root = mkdtempSync(join(tmpdir(), "ck-backup-progress-"));
const targets = () => [fileStore(join(root, "a")), fileStore(join(root, "b"))];
const db = () => getDb();
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The phases in the order they first appear, each once (bytes and rows repeat within a phase). */
const steps = (events: BackupProgress[]) => events.map((e) => `${e.phase}${e.target ? `#${e.target}` : ""}`).filter((s, i, all) => s !== all[i - 1]);

describe("backup and restore progress (issue 22)", { timeout: 180_000 }, () => {
  let name: string;
  let rows: number;

  it("a backup reports dump -> encrypt -> upload per target -> done, with its rows and bytes, and keeps the last on its run row", async () => {
    const events: BackupProgress[] = [];
    const result = await createBackup(db(), sourceOf(getDbHandle()), { trigger: "cli", targets: targets(), onProgress: (p) => events.push(p) });
    expect(result.status).toBe("succeeded");
    ({ name, rows } = result);
    expect(steps(events)).toEqual(["dump", "encrypt", "upload#1", "upload#2", "done"]);
    const dumped = events.filter((e) => e.phase === "dump" && e.total !== undefined);
    expect(dumped.at(-1)).toMatchObject({ unit: "rows", done: result.rows, total: result.rows });
    const encrypt = events.filter((e) => e.phase === "encrypt");
    expect(encrypt[0]).toMatchObject({ unit: "bytes", done: 0 });
    expect(encrypt.at(-1)).toMatchObject({ unit: "bytes", done: result.dumpBytes, total: result.dumpBytes });
    const bytesDone = encrypt.map((e) => e.done!);
    expect(bytesDone).toEqual([...bytesDone].sort((a, b) => a - b));
    expect(events.filter((e) => e.phase === "upload")).toEqual([
      { phase: "upload", unit: "bytes", done: result.bytes, total: result.bytes, target: 1, targets: 2 },
      { phase: "upload", unit: "bytes", done: result.bytes, total: result.bytes, target: 2, targets: 2 },
    ]);
    expect(events.at(-1)).toEqual({ phase: "done", unit: "rows", done: result.rows, total: result.rows });
    const [run] = await db().select().from(backupRuns).where(and(eq(backupRuns.kind, "backup"), eq(backupRuns.backupName, name)));
    expect(run!.progress).toEqual({ phase: "done", unit: "rows", done: result.rows, total: result.rows });
  });

  it("a verification reports bytes fetched, then rows restored, then done with the manifest's total", async () => {
    const events: BackupProgress[] = [];
    const result = await verifyBackup(db(), sourceOf(getDbHandle()), { trigger: "cli", name, targets: targets(), onProgress: (p) => events.push(p) });
    expect(result.status).toBe("succeeded");
    expect(steps(events)).toEqual(["verify", "verify#1", "verify", "done"]);
    const fetched = events.filter((e) => e.unit === "bytes");
    expect(fetched.at(-1)!.done).toBe(fetched.at(-1)!.total);
    expect(events.find((e) => e.phase === "verify" && e.unit === "rows")).toMatchObject({ done: 0, total: rows });
    expect(events.at(-1)).toEqual({ phase: "done", unit: "rows", done: result.rows, total: result.rows });
  });

  it("a restore reports fetch -> restore -> compare -> done, the totals as in the manifest", async () => {
    const events: BackupProgress[] = [];
    let drop = async () => {};
    let into: Parameters<typeof restoreBackup>[0];
    if (getDbHandle().kind === "postgres") {
      const scratch = await scratchPostgres(process.env.DATABASE_URL!);
      drop = scratch.drop;
      into = { kind: "postgres", url: scratch.url };
    } else into = { kind: "pglite", dir: join(mkdtempSync(join(root, "restore-")), "pgdata") };
    try {
      const result = await restoreBackup(into, { trigger: "cli", name, yes: false, targets: targets(), onProgress: (p) => events.push(p) });
      expect(steps(events)).toEqual(["fetch#1", "restore", "compare", "done"]);
      const fetched = events.filter((e) => e.phase === "fetch");
      expect(fetched[0]).toMatchObject({ unit: "bytes", done: 0, target: 1, targets: 2 });
      expect(fetched.at(-1)!.done).toBe(fetched.at(-1)!.total);
      expect(events.find((e) => e.phase === "restore")).toEqual({ phase: "restore", unit: "rows", done: 0, total: rows });
      expect(events.at(-1)).toEqual({ phase: "done", unit: "rows", done: result.rows, total: rows });
    } finally {
      await drop();
    }
  });
});

describe("progress helpers", () => {
  it("describes a step in words a person reads, targets by position only", () => {
    expect(describeProgress({ phase: "encrypt", unit: "bytes", done: 12_345_678 })).toBe("Compressing, encrypting and writing: 12.3 MB");
    expect(describeProgress({ phase: "upload", unit: "bytes", done: 1e6, total: 2e6, target: 1, targets: 2 })).toBe("Reading back and sealing (target 1 of 2): 1.0 MB of 2.0 MB");
    expect(describeProgress({ phase: "dump", unit: "rows", done: 1234, total: 1234 })).toBe("Dumping: 1,234 of 1,234 rows");
    expect(describeProgress({ phase: "verify" })).toBe("Verifying by a test restore");
  });

  it("throttles repeats of one step but lets every new step through", () => {
    const seen: BackupProgress[] = [];
    const t = throttled((p) => seen.push(p), 60_000);
    t({ phase: "encrypt", unit: "bytes", done: 1 });
    t({ phase: "encrypt", unit: "bytes", done: 2 });
    t({ phase: "upload", target: 1 });
    t({ phase: "upload", target: 2 });
    t.force({ phase: "upload", target: 2, done: 5 });
    expect(seen.map((p) => p.done ?? p.target)).toEqual([1, 1, 2, 5]);
  });

  it("a caller's callback that throws never stops the work, and the row gets the last event on flush", async () => {
    const [run] = await db().insert(backupRuns).values({ kind: "prune", trigger: "cli" }).returning({ id: backupRuns.id });
    const report = progressRecorder(db(), run!.id, () => {
      throw new Error("stdout closed");
    });
    report({ phase: "prune", unit: "backups", done: 0, total: 3 });
    report({ phase: "prune", unit: "backups", done: 1, total: 3 });
    await report.flush();
    const [row] = await db().select({ progress: backupRuns.progress }).from(backupRuns).where(eq(backupRuns.id, run!.id));
    expect(row!.progress).toEqual({ phase: "prune", unit: "backups", done: 1, total: 3 });
    await db().update(backupRuns).set({ status: "succeeded", finishedAt: new Date() }).where(eq(backupRuns.id, run!.id));
  });
});

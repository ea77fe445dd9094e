import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "@/db/client";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle, type Database } from "@/db";
import * as schema from "@/db/schema";
import { backupRuns, totpFactors } from "@/db/schema";
import { open } from "@/lib/crypto";
import { fileStore } from "@/lib/storage";
import { expectAudited } from "@/tests/audit";
import { makeTotpFactor, makeUser } from "@/tests/factories";
import { createBackup, fetchVerifiedBackup, listBackups, restoreBackup, sourceOf, verifyBackup, DATA_KEY, RestoreRefusedError } from ".";
import { postgresStats, scratchPostgres } from "./postgres-tools";
import { pgliteStats } from "./pglite-tools";

const root = mkdtempSync(join(tmpdir(), "ck-backup-test-"));
const regionA = join(root, "region-a");
const regionB = join(root, "region-b");
const targets = () => [fileStore(regionA), fileStore(regionB)];
const db = () => getDb();
const source = () => sourceOf(getDbHandle());
const isPostgres = () => getDbHandle().kind === "postgres";

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Restores into a fresh, empty database of the test's kind and returns its stats and a handle on it. */
async function restoreIntoScratch(name: string, from?: string) {
  if (isPostgres()) {
    const scratch = await scratchPostgres(process.env.DATABASE_URL!);
    const result = await restoreBackup({ kind: "postgres", url: scratch.url }, { trigger: "cli", name, from, yes: false, targets: targets() });
    return { result, stats: await postgresStats(scratch.url), drop: scratch.drop, url: scratch.url, dir: null as string | null };
  }
  const dir = join(mkdtempSync(join(root, "restore-")), "pgdata");
  const result = await restoreBackup({ kind: "pglite", dir }, { trigger: "cli", name, from, yes: false, targets: targets() });
  const client = new PGlite(dir, { extensions: PGLITE_EXTENSIONS });
  const stats = await pgliteStats(client);
  await client.close();
  return { result, stats, drop: async () => rmSync(dir, { recursive: true, force: true }), url: null, dir };
}

// Each test dumps and/or restores the whole per-worker test database, which grows as the run goes on: minutes on a busy machine.
describe("backups (lib/backup)", { timeout: 180_000 }, () => {
  let name: string;
  let totp: { secret: string; factorId: string };

  beforeAll(async () => {
    const { user } = await makeUser();
    totp = await makeTotpFactor(user.id);
    const result = await createBackup(db(), source(), { trigger: "cli", targets: targets() });
    expect(result.error).toBeUndefined();
    name = result.name;
  }, 180_000);

  it("V14.2.4 writes every target with a manifest, and records backup.created", async () => {
    const listed = await listBackups(targets());
    const b = listed.find((x) => x.name === name)!;
    expect(b.locations).toEqual([regionA, regionB]);
    const [run] = await db().select().from(backupRuns).where(and(eq(backupRuns.kind, "backup"), eq(backupRuns.backupName, name)));
    expect(run!.status).toBe("succeeded");
    await expectAudited(db(), { action: "backup.created", organizationId: null, targetId: name, result: "success", metadata: { backup: name, targetsOk: 2, targetsFailed: 0 } });
    // The objects alone reveal nothing: no plaintext table name from the dump is in the encrypted object.
    const raw = readFileSync(join(regionA, name, DATA_KEY));
    expect(raw.includes(Buffer.from("totp_factors"))).toBe(false);
  });

  it("V14.2.4 V16.3.3 verifies the newest backup by restoring it into a scratch database, and records backup.verified", async () => {
    const result = await verifyBackup(db(), source(), { trigger: "cli", name, targets: targets() });
    expect(result).toMatchObject({ status: "succeeded", name, differences: [] });
    expect(result.tables).toBeGreaterThan(10);
    await expectAudited(db(), { action: "backup.verified", organizationId: null, targetId: name, result: "success", metadata: { backup: name, differences: 0 } });
  });

  it("V14.2.4 V11.3.3 backup then wipe then restore gives identical row counts and checksums, and encrypted columns still decrypt", async () => {
    const fetched = await fetchVerifiedBackup(fileStore(regionB), name);
    const manifest = fetched.manifest;
    await fetched.cleanup();
    const restored = await restoreIntoScratch(name, regionB);
    try {
      expect(restored.result.tables).toEqual(manifest.tables);
      // Read again afterwards: only the restore's own record (run + audit event) was added.
      const bookkeeping = new Set(["backup_runs", "audit_events", "audit_chain_heads"]);
      expect(restored.stats.filter((t) => !bookkeeping.has(t.table))).toEqual(manifest.tables.filter((t) => !bookkeeping.has(t.table)));
      expect(restored.result.rows).toBe(manifest.tables.reduce((n, t) => n + t.rows, 0));
      // Read the sealed column from the restored database and open it with the keyring.
      let restoredDb: Database;
      let close: () => Promise<void>;
      if (restored.dir) {
        const client = new PGlite(restored.dir, { extensions: PGLITE_EXTENSIONS });
        restoredDb = drizzle(client, { schema }) as unknown as Database;
        close = () => client.close();
      } else {
        const { openDatabase } = await import("@/db/client");
        const h = openDatabase({ databaseUrl: restored.url!, pgliteDir: "" });
        restoredDb = h.db;
        close = h.close;
      }
      try {
        const [row] = await restoredDb.select().from(totpFactors).where(eq(totpFactors.id, totp.factorId));
        expect(open(row!.secret, { table: "totp_factors", column: "secret", rowId: totp.factorId })).toBe(totp.secret);
        await expectAudited(restoredDb, { action: "backup.restored", organizationId: null, result: "success", metadata: { backup: name } });
      } finally {
        await close();
      }
    } finally {
      await restored.drop();
    }
  });

  it("V14.2.4 refuses to overwrite a database that has tables unless told to (--yes)", async () => {
    let attempt: Promise<unknown>;
    if (isPostgres()) {
      attempt = restoreBackup({ kind: "postgres", url: process.env.DATABASE_URL! }, { trigger: "cli", name, yes: false, targets: targets() });
    } else {
      const dir = join(root, "occupied");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "PG_VERSION"), "17\n");
      attempt = restoreBackup({ kind: "pglite", dir }, { trigger: "cli", name, yes: false, targets: targets() });
    }
    await expect(attempt).rejects.toBeInstanceOf(RestoreRefusedError);
    await expect(attempt).rejects.toThrow(/not empty.*--yes/);
  });

  it("V14.2.4 names a backup that does not exist instead of restoring another", async () => {
    const attempt = restoreBackup({ kind: "pglite", dir: join(root, "never") }, { trigger: "cli", name: "20200101T000000Z-0000", yes: false, targets: targets() });
    await expect(attempt).rejects.toThrow(/no backup named 20200101T000000Z-0000/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { and, desc, eq, isNull, like, sql } from "drizzle-orm";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle } from "@/db";
import { alerts, users } from "@/db/schema";
import { fileStore, openStore, s3Store } from "@/lib/storage";
import { expectAudited } from "@/tests/audit";
import { makeUser } from "@/tests/factories";
import { createBackup, listBackups, sourceOf, verifyBackup } from ".";

const root = mkdtempSync(join(tmpdir(), "ck-backup-targets-"));
const BUCKET = "ck-backups";
let server: S3rver;
let endpoint: string;

const s3Client = () =>
  new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
  });

beforeAll(async () => {
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: join(root, "s3rver"), configureBuckets: [{ name: BUCKET, configs: [] }] });
  const address = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await server.close().catch(() => {});
  rmSync(root, { recursive: true, force: true });
});

/** The platform alert about this backup (other test files may raise theirs meanwhile). */
async function backupAlert(name: string) {
  const [a] = await getDb()
    .select()
    .from(alerts)
    .where(and(isNull(alerts.organizationId), eq(alerts.rule, "backup.failed"), like(alerts.detail, `%${name}%`)))
    .orderBy(desc(alerts.lastSeenAt))
    .limit(1);
  return a;
}

// Each test dumps and/or restores the whole per-worker test database, which grows as the run goes on: minutes on a busy machine.
describe("backup targets", { timeout: 180_000 }, () => {
  it("V14.2.4 streams to an S3-compatible target (multipart upload) and verifies from it alone", async () => {
    const s3 = s3Store(`s3://${BUCKET}/chargekeep/backups`, s3Client());
    const dir = fileStore(join(root, "with-s3"));
    const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [dir, s3] });
    expect(result.targets).toEqual([
      { location: dir.location, ok: true },
      { location: `s3://${BUCKET}/chargekeep/backups`, ok: true },
    ]);
    expect(result.status).toBe("succeeded");
    const keys = (await s3.list("")).map((o) => o.key);
    expect(keys.filter((k) => !k.startsWith("audit-anchors/"))).toEqual([`${result.name}/backup.ckb`, `${result.name}/manifest.json`]);
    // beside it, the signed audit anchor every backup writes (lib/audit), and its latest copy
    expect(keys.filter((k) => k.startsWith("audit-anchors/"))).toEqual([expect.stringMatching(/-backup-[0-9a-f]{8}\.json$/), expect.stringMatching(/\/latest\.json$/)]);
    const verified = await verifyBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [s3] });
    expect(verified).toMatchObject({ status: "succeeded", name: result.name, location: s3.location });
  });

  it("V14.2.4 with immutability on, asks S3 for Object Lock in compliance mode until the retention date", async () => {
    const client = s3Client();
    const sent: Record<string, string>[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers?: Record<string, string> }).headers;
        if (headers) sent.push({ ...headers });
        return next(args);
      },
      { step: "finalizeRequest" },
    );
    const until = new Date(Date.now() + 7 * 86_400_000);
    const store = s3Store(`s3://${BUCKET}/locked`, client);
    await store.put("x/data.bin", (await import("node:stream")).Readable.from([Buffer.from("backup bytes")]), { retainUntil: until });
    const upload = sent.find((h) => h["x-amz-object-lock-mode"]);
    expect(upload?.["x-amz-object-lock-mode"]).toBe("COMPLIANCE");
    expect(new Date(upload!["x-amz-object-lock-retain-until-date"]!).getTime()).toBe(until.getTime());
    // Without it, no lock is asked for.
    sent.length = 0;
    await store.put("x/other.bin", (await import("node:stream")).Readable.from([Buffer.from("bytes")]));
    expect(sent.some((h) => h["x-amz-object-lock-mode"])).toBe(false);
  });

  it("V14.2.4 openStore reads s3:// locations with the S3_* settings", async () => {
    const { resetEnvCache } = await import("@/lib/env");
    const { vi } = await import("vitest");
    vi.stubEnv("S3_ENDPOINT", endpoint);
    vi.stubEnv("S3_ACCESS_KEY_ID", "S3RVER");
    vi.stubEnv("S3_SECRET_ACCESS_KEY", "S3RVER");
    vi.stubEnv("S3_FORCE_PATH_STYLE", "true");
    resetEnvCache();
    const store = openStore(`s3://${BUCKET}/env-configured`);
    await store.put("probe/file.bin", (await import("node:stream")).Readable.from([Buffer.from("hello")]));
    expect(await store.stat("probe/file.bin")).toEqual({ key: "probe/file.bin", bytes: 5 });
    expect(() => openStore("s3://Bad_Bucket/x")).toThrow(/not an s3:\/\/bucket\/prefix/);
    expect(() => openStore(`s3://${BUCKET}/../escape`)).toThrow(/refused/);
  });

  it("V14.2.4 V16.3.4 one target down (a directory that is a file) leaves a usable backup in the other, marks it partial and raises an alert", async () => {
    const blocked = join(root, "blocked");
    writeFileSync(blocked, "not a directory");
    const ok = fileStore(join(root, "healthy"));
    const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [fileStore(blocked), ok] });
    expect(result.status).toBe("partial");
    expect(result.targets[0]).toMatchObject({ ok: false, error: expect.stringMatching(/ENOTDIR|EEXIST|not a directory/i) });
    expect(result.targets[1]).toEqual({ location: ok.location, ok: true });
    await expectAudited(getDb(), { action: "backup.created", organizationId: null, targetId: result.name, metadata: { backup: result.name, status: "partial", targetsOk: 1, targetsFailed: 1 } });
    const alert = await backupAlert(result.name);
    expect(alert).toMatchObject({ severity: "high", status: "open" });
    expect(alert!.detail).toContain(result.name);
    const verified = await verifyBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", name: result.name, targets: [ok] });
    expect(verified.status).toBe("succeeded");
  });

  it("V14.2.4 V16.3.4 a stopped S3 service fails only its target, with an alert", async () => {
    const s3 = s3Store(`s3://${BUCKET}/down`, s3Client());
    await server.close();
    try {
      const ok = fileStore(join(root, "while-s3-down"));
      const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [ok, s3] });
      expect(result.status).toBe("partial");
      expect(result.targets.map((t) => t.ok)).toEqual([true, false]);
      expect((await backupAlert(result.name))!.detail).toContain(s3.location);
      expect((await listBackups([ok])).find((b) => b.name === result.name)!.locations).toEqual([ok.location]);
    } finally {
      const address = (await server.run()) as { port: number };
      endpoint = `http://127.0.0.1:${address.port}`;
    }
  });

  it("V14.2.4 a backup taken while writes go on restores to exactly the counts in its manifest", async () => {
    const count = async () => Number((await getDb().select({ n: sql<number>`count(*)` }).from(users))[0]!.n);
    const before = await count();
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing && n < 200) {
        await makeUser();
        n += 1;
      }
      return n;
    })();
    const store = fileStore(join(root, "under-load"));
    const result = await createBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", targets: [store] });
    writing = false;
    await writer;
    const after = await count();
    expect(result.status).toBe("succeeded");
    const verified = await verifyBackup(getDb(), sourceOf(getDbHandle()), { trigger: "cli", name: result.name, targets: [store] });
    expect(verified.status).toBe("succeeded");
    expect(verified.differences).toEqual([]);
    const { fetchVerifiedBackup } = await import(".");
    const fetched = await fetchVerifiedBackup(store, result.name);
    const usersInBackup = fetched.manifest.tables.find((t) => t.table === "users")!.rows;
    await fetched.cleanup();
    expect(usersInBackup).toBeGreaterThanOrEqual(before);
    expect(usersInBackup).toBeLessThanOrEqual(after);
  }, 180_000); // a dump, a verifying restore and up to 200 sign-ups (argon2) on a shared CPU
});

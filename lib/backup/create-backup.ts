import "server-only";
import { randomBytes } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Database } from "@/db";
import { raiseAlert } from "@/lib/alerts";
import { writeAuditAnchor } from "@/lib/audit";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import type { KmsProvider } from "@/lib/crypto";
import type { ObjectStore } from "@/lib/storage";
import { encryptStream } from "./envelope";
import { DATA_KEY, MANIFEST_FORMAT, MANIFEST_KEY, newBackupKey, sealManifest, type ManifestBody } from "./manifest";
import { dumpPglite } from "./pglite-tools";
import { dumpPostgres } from "./postgres-tools";
import { progressRecorder, throttled, type OnProgress } from "./progress";
import { describeError, finishRun, startRun, type RunTrigger } from "./runs";
import type { BackupSource } from "./source";
import { backupTargets, digestStream, fanOut } from "./targets";

export type TargetResult = { location: string; ok: boolean; error?: string };
export type BackupResult = {
  name: string;
  status: "succeeded" | "partial" | "failed";
  targets: TargetResult[];
  tables: number;
  rows: number;
  /** Encrypted bytes written to each target. */
  bytes: number;
  /** Bytes of the database dump before compression. */
  dumpBytes: number;
  error?: string;
};

export type BackupOptions = {
  trigger: RunTrigger;
  targets?: ObjectStore[];
  kms?: KmsProvider;
  /** Plaintext bytes per encrypted chunk (default 1 MiB; readers need not know it). */
  chunkBytes?: number;
  /** Phases dump -> encrypt (bytes of the dump read) -> upload (per target) -> done; also kept on the run row. */
  onProgress?: OnProgress;
};

export function newBackupName(at: Date = now()): string {
  return `${at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")}-${randomBytes(2).toString("hex")}`;
}

function counter(onBytes: (n: number) => void) {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/**
 * dump -> gzip -> chunked AES-256-GCM -> every target at once, then each target's copy is read
 * back and its SHA-256 compared before its manifest is written (a backup without a manifest does
 * not exist for list, verify or restore). A target that fails is reported, alerted on, and does not
 * stop the others: succeeded = every target, partial = some, failed = none.
 */
export async function createBackup(db: Database, source: BackupSource, options: BackupOptions): Promise<BackupResult> {
  const name = newBackupName();
  const runId = await startRun(db, "backup", options.trigger, name);
  const report = progressRecorder(db, runId, options.onProgress);
  const createdAt = now();
  let result: BackupResult;
  try {
    const targets = options.targets ?? backupTargets();
    // The audit chain heads, signed, beside the backup: a restore of this copy is later recognisable.
    await writeAuditAnchor(db, { reason: "backup", stores: targets }).catch((e: unknown) => console.error(`[backup] audit anchor not written: ${describeError(e)}`));
    const key = await newBackupKey(name, options.kms);
    report({ phase: "dump" });
    const dump = source.kind === "postgres" ? await dumpPostgres(source.url) : await dumpPglite(source.client);
    const rows = dump.tables.reduce((n, t) => n + t.rows, 0);
    report({ phase: "dump", unit: "rows", done: rows, total: rows });
    const streaming = throttled(report);
    streaming.force({ phase: "encrypt", unit: "bytes", done: 0 });
    let dumpBytes = 0;
    let compressedBytes = 0;
    const fan = fanOut(targets.length);
    const dataKey = `${name}/${DATA_KEY}`;
    // BACKUP_IMMUTABLE_DAYS: each copy locked at stores that can enforce it (a stolen credential cannot delete it early).
    const immutableDays = env().BACKUP_IMMUTABLE_DAYS;
    const lock = immutableDays > 0 ? { retainUntil: new Date(createdAt.getTime() + immutableDays * 86_400_000) } : undefined;
    // Settled at once (never a dangling rejection): a failed target is a result, not an exception.
    const uploads = targets.map((store, i) =>
      store.put(dataKey, fan.branches[i]!, lock).then(
        () => ({ ok: true as const }),
        (e: unknown) => {
          fan.branches[i]!.destroy(); // stop feeding it; the others go on
          return { ok: false as const, error: describeError(e) };
        },
      ),
    );
    const streamed = pipeline(
      dump.stream,
      counter((n) => {
        dumpBytes += n;
        streaming({ phase: "encrypt", unit: "bytes", done: dumpBytes });
      }),
      createGzip({ level: 6 }),
      counter((n) => (compressedBytes += n)),
      encryptStream(key.key, name, options.chunkBytes),
      fan.sink,
    );
    const [streamOutcome, dumpOutcome] = await Promise.allSettled([streamed, dump.finished]);
    const settled = await Promise.all(uploads);
    if (streamOutcome.status === "rejected") throw streamOutcome.reason;
    if (dumpOutcome.status === "rejected") throw dumpOutcome.reason;
    streaming.force({ phase: "encrypt", unit: "bytes", done: dumpBytes, total: dumpBytes });
    const { sha256, bytes } = fan.result();
    const body: ManifestBody = {
      format: MANIFEST_FORMAT,
      name,
      createdAt: createdAt.toISOString(),
      source: { kind: source.kind, serverVersion: dump.serverVersion },
      tables: dump.tables,
      sizes: { dump: dumpBytes, compressed: compressedBytes, encrypted: bytes },
      sha256,
    };
    const manifest = sealManifest(body, key);
    const targetResults = await Promise.all(
      targets.map(async (store, i): Promise<TargetResult> => {
        const upload = settled[i]!;
        const reportTarget = () => report({ phase: "upload", unit: "bytes", done: bytes, total: bytes, target: i + 1, targets: targets.length });
        if (!upload.ok) return { location: store.location, ok: false, error: upload.error };
        try {
          reportTarget();
          const back = await digestStream(await store.get(dataKey));
          if (back.sha256 !== sha256 || back.bytes !== bytes) throw new Error(`the copy reads back different (${back.bytes} bytes, SHA-256 ${back.sha256.slice(0, 12)}…)`);
          await store.put(`${name}/${MANIFEST_KEY}`, Readable.from([Buffer.from(manifest)]), lock);
          return { location: store.location, ok: true };
        } catch (e) {
          await store.delete(dataKey).catch(() => {});
          return { location: store.location, ok: false, error: describeError(e) };
        }
      }),
    );
    const okCount = targetResults.filter((t) => t.ok).length;
    result = {
      name,
      status: okCount === targets.length ? "succeeded" : okCount > 0 ? "partial" : "failed",
      targets: targetResults,
      tables: dump.tables.length,
      rows: dump.tables.reduce((n, t) => n + t.rows, 0),
      bytes,
      dumpBytes,
    };
  } catch (e) {
    result = { name, status: "failed", targets: [], tables: 0, rows: 0, bytes: 0, dumpBytes: 0, error: describeError(e) };
  }
  report({ phase: "done", unit: "rows", done: result.rows, total: result.rows });
  await report.flush();
  const failedTargets = result.targets.filter((t) => !t.ok);
  await finishRun(
    db,
    runId,
    {
      status: result.status,
      backupName: name,
      bytes: result.bytes || null,
      details: { targets: result.targets, tables: result.tables, rows: result.rows },
      error: result.error ?? (failedTargets.length ? failedTargets.map((t) => `${t.location}: ${t.error}`).join("; ") : null),
    },
    { action: "backup.created", metadata: { backup: name, targetsOk: result.targets.filter((t) => t.ok).length, targetsFailed: failedTargets.length, bytes: result.bytes, rows: result.rows } },
  );
  if (result.status !== "succeeded") await alertBackupProblem(db, result);
  return result;
}

async function alertBackupProblem(db: Database, result: BackupResult): Promise<void> {
  const failed = result.targets.filter((t) => !t.ok);
  const detail =
    result.status === "failed" && failed.length === 0
      ? `Backup ${result.name} failed: ${result.error ?? "unknown error"}`
      : `Backup ${result.name} is ${result.status}: ${failed.map((t) => `${t.location}: ${t.error}`).join("; ")}`;
  await raiseAlert(db, {
    organizationId: null,
    rule: "backup.failed",
    severity: result.status === "failed" ? "critical" : "high",
    title: result.status === "failed" ? "A backup failed" : "A backup target failed",
    detail,
    dedupeKey: `backup:${result.status}:${failed.map((t) => t.location).join(",")}`,
  }).catch((e: unknown) => console.error(`[backup] could not raise the alert: ${describeError(e)}`));
}

/**
 * SFTP files at rest (issue 11, part 9): upload and download throughput (MB/s) of the storage path
 * an SFTP transfer takes: plaintext streamed through the chunked AES-256-GCM encryption
 * (lib/sftp/file-crypto.ts) into the file store (lib/storage), and back out through decryption;
 * against the same transfer through a pass-through (no encryption) into the same store. Then the
 * peak RSS of this process above its starting level while moving a 1 GB file each way: it must stay
 * flat (nothing is buffered beyond a chunk). The SSH transport itself (ssh2 in pure JavaScript) is
 * the same in both cases and is not part of this comparison; a last row measures the whole path
 * once, end to end: the ssh2 client uploading and downloading through the real server (in this
 * process, on PGlite under .test-output/), encryption at rest included.
 * BENCH_SFTP_MB (default 256) sets the throughput size, BENCH_SFTP_BIG_MB (default 1024) the big
 * file, BENCH_SFTP_E2E_MB (default 64) the end-to-end transfer.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable, Writable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { decryptStream, encryptStream, newDataKey } from "@/lib/sftp/file-crypto";
import { fileStore } from "@/lib/storage";
import { OUTPUT_DIR } from "./lib/app-server";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { round, table } from "./lib/stats";

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_SFTP_MB ?? 256);
const BIG_MB = Number(process.env.BENCH_SFTP_BIG_MB ?? 1024);
const E2E_MB = Number(process.env.BENCH_SFTP_E2E_MB ?? 64);
/** What SFTP clients write per request (OpenSSH: 32 KiB). */
const WRITE_BYTES = 32 * 1024;

function source(totalMB: number): Readable {
  const block = randomBytes(WRITE_BYTES);
  let left = totalMB * MB;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, WRITE_BYTES);
      left -= n;
      this.push(n === WRITE_BYTES ? block : block.subarray(0, n));
    },
  });
}

/** The same volume as statement-shaped text: /inbox takes only what looks like a CSV, OFX or QFX statement (ASVS V5.2.2). */
function csvSource(totalMB: number): Readable {
  const row = "2026-11-01,Bench transaction with a description,-12.34\n";
  const block = Buffer.from("Date,Description,Amount\n" + row.repeat(Math.ceil(WRITE_BYTES / row.length))).subarray(0, WRITE_BYTES);
  let left = totalMB * MB;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, WRITE_BYTES);
      left -= n;
      this.push(n === WRITE_BYTES ? block : block.subarray(0, n));
    },
  });
}

const sink = () => new Writable({ write: (_c, _e, done) => done() });

async function measured<T>(fn: () => Promise<T>): Promise<{ seconds: number; peakMB: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { seconds: (performance.now() - started) / 1000, peakMB: (peak - base) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

type Row = { mode: string; sizeMB: number; uploadMBs: number; downloadMBs: number; uploadPeakRssMB: number; downloadPeakRssMB: number };

async function transfer(root: string, encrypted: boolean, sizeMB: number): Promise<Row> {
  const store = fileStore(root);
  const key = newDataKey();
  const id = randomUUID();
  const through = (make: () => Transform): Transform => (encrypted ? make() : new PassThrough());
  const up = await measured(() => store.put(`bench/${id}`, source(sizeMB).pipe(through(() => encryptStream(key, id)))));
  const down = await measured(async () => pipeline(await store.get(`bench/${id}`), through(() => decryptStream(key, id)), sink()));
  await store.delete(`bench/${id}`);
  return {
    mode: encrypted ? "AES-256-GCM at rest" : "pass-through",
    sizeMB,
    uploadMBs: round(sizeMB / up.seconds, 1),
    downloadMBs: round(sizeMB / down.seconds, 1),
    uploadPeakRssMB: round(up.peakMB, 1),
    downloadPeakRssMB: round(down.peakMB, 1),
  };
}

/** The whole path once: ssh2 client -> SFTP server (this process, PGlite) -> encrypted store, and back. */
async function endToEnd(root: string, sizeMB: number): Promise<Row> {
  const pgliteDir = path.join(OUTPUT_DIR, "bench-sftp-pglite");
  rmSync(pgliteDir, { recursive: true, force: true });
  delete process.env.DATABASE_URL;
  Object.assign(process.env, { PGLITE_DIR: pgliteDir, SFTP_STORAGE: path.join(root, "e2e"), SFTP_MAX_FILE_BYTES: String(4 * 1024 * MB), SFTP_QUOTA_BYTES: String(8 * 1024 * MB) });
  process.env.MASTER_KEY ??= Buffer.alloc(32, "chargekeep-bench-master-key").toString("base64");
  const { resetEnvCache } = await import("../lib/env");
  resetEnvCache();
  const { getDbHandle, closeDb } = await import("../db");
  const { runMigrations } = await import("../db/migrate");
  const { loadKeyring } = await import("../lib/crypto");
  const { users, sshKeys } = await import("../db/schema");
  const { createOrganizationWithOwner } = await import("../lib/rbac/setup");
  const { startSftpServer } = await import("../lib/sftp/server");
  const { parsePublicKey } = await import("../lib/sftp/public-keys");
  const ssh2 = (await import("ssh2")).default;
  const handle = getDbHandle();
  await runMigrations(handle);
  await loadKeyring(handle.db);
  const [user] = await handle.db.insert(users).values({ email: `bench-${randomUUID()}@example.test`, name: "Bench", emailVerifiedAt: new Date() }).returning();
  const org = await createOrganizationWithOwner(handle.db, { name: "SFTP bench", userId: user!.id });
  const pair = ssh2.utils.generateKeyPairSync("ed25519");
  const pub = parsePublicKey(pair.public);
  await handle.db.insert(sshKeys).values({ userId: user!.id, name: "bench", algorithm: pub.algorithm, fingerprint: pub.fingerprint, publicKey: pub.publicKey });
  // Statements are capped at 20 MB in production; the benchmark measures the transport at its own size.
  const server = await startSftpServer({ db: handle.db, port: 0, host: "127.0.0.1", statementMaxBytes: (sizeMB + 1) * MB });
  const local = path.join(root, "e2e-source.csv");
  await pipeline(csvSource(sizeMB), (await import("node:fs")).createWriteStream(local));
  const client = new ssh2.Client();
  try {
    const sftp = await new Promise<import("ssh2").SFTPWrapper>((resolve, reject) => {
      client.on("ready", () => client.sftp((e, s) => (e ? reject(e) : resolve(s))));
      client.on("error", reject);
      client.connect({ host: "127.0.0.1", port: server.port, username: org, privateKey: pair.private });
    });
    const call = (fn: (cb: (e?: Error | null) => void) => void) => new Promise<void>((resolve, reject) => fn((e) => (e ? reject(e) : resolve())));
    const up = await measured(() => call((cb) => sftp.fastPut(local, "/inbox/bench.csv", { concurrency: 64, chunkSize: 32 * 1024 }, cb)));
    const down = await measured(() => call((cb) => sftp.fastGet("/inbox/bench.csv", path.join(root, "e2e-back.bin"), { concurrency: 64, chunkSize: 32 * 1024 }, cb)));
    return { mode: "end to end (ssh2 client, encrypted)", sizeMB, uploadMBs: round(sizeMB / up.seconds, 1), downloadMBs: round(sizeMB / down.seconds, 1), uploadPeakRssMB: round(up.peakMB, 1), downloadPeakRssMB: round(down.peakMB, 1) };
  } finally {
    client.end();
    await server.close();
    await closeDb();
  }
}

export async function runSftpBench(): Promise<BenchOutcome> {
  const root = mkdtempSync(path.join(tmpdir(), "ck-bench-sftp-"));
  const rows: Row[] = [];
  try {
    rows.push(await transfer(root, false, SIZE_MB), await transfer(root, true, SIZE_MB));
    rows.push(await transfer(root, true, 16), await transfer(root, true, BIG_MB));
    rows.push(await endToEnd(root, E2E_MB));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(table(["mode", "MB", "upload MB/s", "download MB/s", "upload peak RSS MB", "download peak RSS MB"], rows.map((r) => [r.mode, r.sizeMB, r.uploadMBs, r.downloadMBs, r.uploadPeakRssMB, r.downloadPeakRssMB])));
  const [plain, enc, small, big, e2e] = rows as [Row, Row, Row, Row, Row];
  const flat = big.uploadPeakRssMB <= Math.max(64, small.uploadPeakRssMB * 2) && big.downloadPeakRssMB <= Math.max(64, small.downloadPeakRssMB * 2);
  const jsonPath = writeResult("bench-sftp.json", { machine: machineInfo(), rows, memoryFlat: flat });
  return {
    name: "sftp",
    ok: true,
    summary:
      `${SIZE_MB} MB: upload ${enc.uploadMBs} MB/s encrypted vs ${plain.uploadMBs} pass-through, download ${enc.downloadMBs} vs ${plain.downloadMBs} MB/s; ` +
      `${BIG_MB} MB file peak RSS above start: upload ${big.uploadPeakRssMB} MB, download ${big.downloadPeakRssMB} MB (16 MB file: ${small.uploadPeakRssMB}/${small.downloadPeakRssMB}): ${flat ? "flat" : "NOT flat"}; ` +
      `end to end over SFTP (${E2E_MB} MB): upload ${e2e.uploadMBs} MB/s, download ${e2e.downloadMBs} MB/s`,
    jsonPath,
  };
}

/**
 * Cost of encrypted columns (lib/crypto), in-process:
 * 1. Throughput, encrypt and decrypt, of our values (AES-256-GCM + per-column subkey + AAD + the
 *    ck1 text format, string in and out) against raw AES-256-GCM from node:crypto on Buffers
 *    (randomBytes(12) IV per value, no AAD, no encoding), same sizes, same run.
 * 2. Reading 10,000 rows with 3 encrypted columns (name, e-mail, message) through Drizzle against
 *    the same rows in plain text columns. Target: encrypted <= 1.2 x plaintext read time.
 * Runs on PGlite in memory, or on a scratch database created through BENCH_DATABASE_URL.
 * Writes .test-output/bench-crypto.json.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { withBenchDatabase } from "./lib/scratch-db";
import { median, round, table } from "./lib/stats";

export const TARGET_READ_RATIO = 1.2;
const ROWS = 10_000;
const READ_ROUNDS = 9;
const SIZES = [64, 1024, 16 * 1024];
const CTX = { table: "bench_encrypted", column: "message" };

type Rate = { mbPerS: number; valuesPerS: number };
type ThroughputRow = { bytes: number; values: number; raw: { encrypt: Rate; decrypt: Rate }; ours: { encrypt: Rate; decrypt: Rate } };

const rate = (values: number, bytes: number, ms: number): Rate => ({
  mbPerS: round((values * bytes) / 1e6 / (ms / 1000), 1),
  valuesPerS: round(values / (ms / 1000), 0),
});

/** Best of `rounds` timings of fn (ms): the least disturbed by other load on the machine. */
function best(rounds: number, fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function measureThroughput(): Promise<ThroughputRow[]> {
  const { Keyring } = await import("../lib/crypto/keyring");
  const { LocalKmsProvider } = await import("../lib/crypto/kms");
  const keyring = new Keyring(new LocalKmsProvider(randomBytes(32)));
  keyring.setKey({ id: 1, purpose: "data", status: "active", activatesAt: new Date(0), material: randomBytes(32) });
  const rawKey = randomBytes(32);
  const out: ThroughputRow[] = [];
  for (const bytes of SIZES) {
    const values = Math.max(2_000, Math.min(50_000, Math.floor(32e6 / bytes)));
    const plaintext = "x".repeat(bytes);
    const plainBuf = Buffer.from(plaintext);

    // Raw AES-256-GCM: what the algorithm itself costs through node:crypto, per value.
    const rawSealed: Buffer[] = new Array(values);
    const rawEnc = best(3, () => {
      for (let i = 0; i < values; i++) {
        const iv = randomBytes(12);
        const c = createCipheriv("aes-256-gcm", rawKey, iv);
        rawSealed[i] = Buffer.concat([iv, c.update(plainBuf), c.final(), c.getAuthTag()]);
      }
    });
    const rawDec = best(3, () => {
      for (let i = 0; i < values; i++) {
        const b = rawSealed[i]!;
        const d = createDecipheriv("aes-256-gcm", rawKey, b.subarray(0, 12));
        d.setAuthTag(b.subarray(b.length - 16));
        d.update(b.subarray(12, b.length - 16));
        d.final();
      }
    });

    // Ours: string in, ck1 string out, and back.
    const stored: string[] = new Array(values);
    const ourEnc = best(3, () => {
      for (let i = 0; i < values; i++) stored[i] = keyring.encrypt(plaintext, CTX);
    });
    const ourDec = best(3, () => {
      for (let i = 0; i < values; i++) keyring.decrypt(stored[i]!, CTX);
    });
    out.push({
      bytes,
      values,
      raw: { encrypt: rate(values, bytes, rawEnc), decrypt: rate(values, bytes, rawDec) },
      ours: { encrypt: rate(values, bytes, ourEnc), decrypt: rate(values, bytes, ourDec) },
    });
  }
  return out;
}

type ReadResult = {
  database: string;
  rows: number;
  encryptedColumns: number;
  plainMs: number;
  encryptedMs: number;
  ratio: number;
  /** The encrypted rows read as text, not decrypted: how much of the cost is the larger values alone. */
  ciphertextOnlyMs: number;
  decryptsPerRead: number;
  addedMicrosPerRow: number;
};

async function measureRead(databaseUrl: string | undefined): Promise<ReadResult> {
  const { openDatabase } = await import("../db/client");
  const { runMigrations } = await import("../db/migrate");
  const { encryptedColumns, EncryptedColumnRegistry } = await import("../lib/crypto/columns");
  const { installKeyring } = await import("../lib/crypto/keyring");
  const { openKeyring } = await import("../lib/crypto/keyring-store");
  const { LocalKmsProvider } = await import("../lib/crypto/kms");

  const enc = encryptedColumns("bench_encrypted", { registry: new EncryptedColumnRegistry() });
  const encrypted = pgTable("bench_encrypted", {
    id: uuid("id").primaryKey(),
    name: enc.text("name").notNull(),
    email: enc.text("email").notNull(),
    message: enc.text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  });
  const encryptedAsText = pgTable("bench_encrypted", {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  });
  const plain = pgTable("bench_plain", {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  });

  const handle = openDatabase({ databaseUrl, pgliteDir: "memory://" });
  await runMigrations(handle);
  const restore = installKeyring(await openKeyring(handle.db, new LocalKmsProvider(randomBytes(32)), { create: true }));
  try {
    const { db } = handle;
    for (const t of ["bench_encrypted", "bench_plain"]) {
      await db.execute(sql.raw(`create table ${t} (id uuid primary key, name text not null, email text not null, message text not null, created_at timestamptz not null)`));
    }
    // Contact-message-like rows: a name, an address, a few sentences.
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      id: randomUUID(),
      name: `Visitor Number ${i}`,
      email: `visitor.${i}@example-company.test`,
      message: `Hello, I would like to know more about ChargeKeep for our team. Request ${i}. `.repeat(3),
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await db.insert(encrypted).values(rows.slice(i, i + 500));
      await db.insert(plain).values(rows.slice(i, i + 500));
    }
    const readPlain = async () => (await db.select().from(plain)).length;
    const readEncrypted = async () => (await db.select().from(encrypted)).length;
    const readCiphertext = async () => (await db.select().from(encryptedAsText)).length;
    const [sample] = await db.select().from(encrypted).limit(1);
    if (sample?.message !== rows.find((r) => r.id === sample?.id)?.message) throw new Error("encrypted rows do not read back");
    for (let i = 0; i < 2; i++) {
      await readPlain();
      await readEncrypted();
      await readCiphertext();
    }
    const plainTimes: number[] = [];
    const encTimes: number[] = [];
    const cipherTimes: number[] = [];
    const time = async (read: () => Promise<number>, into: number[]) => {
      const t = performance.now();
      if ((await read()) !== ROWS) throw new Error("a read lost rows");
      into.push(performance.now() - t);
    };
    for (let i = 0; i < READ_ROUNDS; i++) {
      // Interleaved, so drift on a busy machine hits all three.
      await time(readPlain, plainTimes);
      await time(readEncrypted, encTimes);
      await time(readCiphertext, cipherTimes);
    }
    const plainMs = median(plainTimes);
    const encryptedMs = median(encTimes);
    return {
      database: handle.kind,
      rows: ROWS,
      encryptedColumns: 3,
      plainMs: round(plainMs, 1),
      encryptedMs: round(encryptedMs, 1),
      ratio: round(encryptedMs / plainMs, 2),
      ciphertextOnlyMs: round(median(cipherTimes), 1),
      decryptsPerRead: ROWS * 3,
      addedMicrosPerRow: round(((encryptedMs - plainMs) * 1000) / ROWS, 1),
    };
  } finally {
    restore();
    await handle.close();
  }
}

/** For bench/run.ts: measures, writes the JSON, returns the outcome (run.ts prints the summary). */
export async function measureCryptoBench(): Promise<BenchOutcome> {
  console.log("crypto: throughput (raw AES-256-GCM vs encrypted values)...");
  const throughput = await measureThroughput();
  console.log(`crypto: reading ${ROWS} rows, 3 encrypted columns vs plaintext...`);
  const read = await withBenchDatabase(measureRead);
  const result = {
    benchmark: "crypto",
    date: new Date().toISOString(),
    machine: machineInfo(),
    throughput,
    read: { ...read, target: TARGET_READ_RATIO, meetsTarget: read.ratio <= TARGET_READ_RATIO },
  };
  const jsonPath = writeResult("bench-crypto.json", result);
  const summary = [
    "Encrypted values vs raw AES-256-GCM (node:crypto), in-process",
    table(
      ["value size", "raw enc MB/s", "ours enc MB/s", "raw enc/s", "ours enc/s", "raw dec MB/s", "ours dec MB/s", "raw dec/s", "ours dec/s"],
      throughput.map((r) => [
        `${r.bytes} B`,
        r.raw.encrypt.mbPerS,
        r.ours.encrypt.mbPerS,
        r.raw.encrypt.valuesPerS,
        r.ours.encrypt.valuesPerS,
        r.raw.decrypt.mbPerS,
        r.ours.decrypt.mbPerS,
        r.raw.decrypt.valuesPerS,
        r.ours.decrypt.valuesPerS,
      ]),
    ),
    "",
    `Reading ${read.rows} rows through Drizzle (${read.database}), median of ${READ_ROUNDS}`,
    table(
      ["rows", "plaintext ms", "3 encrypted columns ms", "ratio", "target", "same rows, not decrypted ms", "added µs/row"],
      [
        [
          read.rows,
          read.plainMs,
          read.encryptedMs,
          `${read.ratio}x`,
          `<= ${TARGET_READ_RATIO}x ${result.read.meetsTarget ? "(met)" : "(NOT met)"}`,
          read.ciphertextOnlyMs,
          read.addedMicrosPerRow,
        ],
      ],
    ),
  ].join("\n");
  return { name: "crypto", ok: true, summary, jsonPath };
}

/** Prints the results and writes .test-output/bench-crypto.json. */
export async function runCryptoBench(): Promise<void> {
  const outcome = await measureCryptoBench();
  console.log(`\n${outcome.summary}\nJSON: ${outcome.jsonPath}`);
}

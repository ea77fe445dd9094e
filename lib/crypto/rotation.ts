import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { keyring as keyringTable } from "@/db/schema/keyring";
import { encryptedColumnRegistry, type EncryptedColumn } from "./columns";
import type { Keyring } from "./keyring";
import { createDataKey, refreshKeyring } from "./keyring-store";
import { encryptLegacyValues } from "./legacy";
import { byTable, countValuesByKey, keyIdField, rewriteRows, type BatchControl } from "./rewrite";

export type RotationOptions = {
  /** Delay before new values use the new key, so every server has loaded it first (0 on PGlite). */
  graceMs: number;
  batchSize?: number;
  signal?: AbortSignal;
  /** Stop after this many batches, as a kill would (tests). */
  maxBatches?: number;
  columns?: EncryptedColumn[];
  log?: (line: string) => void;
};

export type RotationResult = {
  targetKeyId: number;
  created: boolean;
  rewritten: number;
  complete: boolean;
  retired: number[];
  /** Values still under an older key (0 when complete). */
  remaining: number;
};

/** Passes over the data before giving up on stragglers (values written by a server with a stale keyring). */
const MAX_PASSES = 3;

/**
 * `npm run keys:rotate`. Starts a rotation (a new data key) or, when one is unfinished (more than
 * one active data key), finishes it: waits until the newest key is in use, re-encrypts every value
 * under an older key, then retires each older key that no value uses any more. Safe to kill at
 * any point and run again; it never adds a second key to an unfinished rotation.
 */
export async function rotateDataKey(db: Database, keyring: Keyring, options: RotationOptions): Promise<RotationResult> {
  const log = options.log ?? (() => {});
  const columns = options.columns ?? encryptedColumnRegistry.list();
  await refreshKeyring(db, keyring);
  const active = keyring.keys().filter((k) => k.purpose === "data" && k.status === "active");
  let target = active.sort((a, b) => b.id - a.id)[0];
  let created = false;
  if (!target || active.length === 1) {
    const id = await createDataKey(db, keyring.kms, new Date(Date.now() + options.graceMs));
    await refreshKeyring(db, keyring);
    target = keyring.keys().find((k) => k.id === id)!;
    created = true;
    log(`Added data key ${id}.`);
  } else {
    log(`Resuming the unfinished rotation to data key ${target.id}.`);
  }

  const waitMs = target.activatesAt.getTime() - Date.now();
  if (waitMs > 0) {
    log(`Waiting ${Math.ceil(waitMs / 1000)} s until every server has loaded key ${target.id} (KEYRING_REFRESH_SECONDS)...`);
    await sleep(waitMs, undefined, { signal: options.signal }).catch(() => {});
  }
  const result: RotationResult = { targetKeyId: target.id, created, rewritten: 0, complete: false, retired: [], remaining: 0 };
  if (options.signal?.aborted) return { ...result, remaining: await countNotUnder(db, columns, target.id) };
  if (keyring.encryptionKeyId() !== target.id) throw new Error(`Key ${target.id} should be in use by now; is this machine's clock behind the database's?`);

  const control: BatchControl = { batchSize: options.batchSize ?? 500, signal: options.signal, batchesLeft: options.maxBatches };
  await encryptLegacyValues(db, keyring, columns, log);
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const { rewritten, finished } = await reencryptColumns(db, keyring, target.id, columns, control);
    result.rewritten += rewritten;
    result.remaining = await countNotUnder(db, columns, target.id);
    if (!finished || result.remaining === 0) break;
  }
  result.complete = result.remaining === 0;
  log(`Re-encrypted ${result.rewritten} value(s) with key ${target.id}; ${result.remaining} left under older keys.`);
  if (result.complete) result.retired = await retireUnusedKeys(db, keyring, columns);
  if (result.retired.length) log(`Retired key(s) ${result.retired.join(", ")}: no value uses them.`);
  return result;
}

/** One pass: every value not under `targetKeyId` is decrypted and encrypted again with it, table by table. */
export async function reencryptColumns(
  db: Database,
  keyring: Keyring,
  targetKeyId: number,
  columns: EncryptedColumn[],
  control: BatchControl,
): Promise<{ rewritten: number; finished: boolean }> {
  let rewritten = 0;
  const target = String(targetKeyId);
  for (const cols of byTable(columns)) {
    const notUnderTarget = sql.join(
      cols.map((c) => sql`${keyIdField(c)} <> ${target}`),
      sql` or `,
    );
    const outcome = await rewriteRows(
      db,
      cols,
      notUnderTarget,
      (col, stored, rowId) => {
        if (keyring.keyIdOf(stored) === targetKeyId) return null;
        const ctx = { table: col.table, column: col.column, rowId: col.kind === "sealed" ? rowId : undefined };
        return keyring.encryptBytes(keyring.decryptBytes(stored, ctx), ctx);
      },
      control,
    );
    rewritten += outcome.rewritten;
    if (!outcome.finished) return { rewritten, finished: false };
  }
  return { rewritten, finished: true };
}

async function countNotUnder(db: Database, columns: EncryptedColumn[], keyId: number): Promise<number> {
  return (await countValuesByKey(db, columns)).filter((c) => c.keyId !== keyId).reduce((n, c) => n + c.values, 0);
}

/** Retires every active data key older than the one in use that protects no value. */
export async function retireUnusedKeys(
  db: Database,
  keyring: Keyring,
  columns: EncryptedColumn[] = encryptedColumnRegistry.list(),
): Promise<number[]> {
  const inUse = keyring.encryptionKeyId();
  const counts = await countValuesByKey(db, columns);
  const retired: number[] = [];
  for (const k of keyring.keys()) {
    if (k.purpose !== "data" || k.status !== "active" || k.id >= inUse) continue;
    if (counts.some((c) => c.keyId === k.id && c.values > 0)) continue;
    await db
      .update(keyringTable)
      .set({ status: "retired", retiredAt: new Date() })
      .where(and(eq(keyringTable.id, k.id), eq(keyringTable.status, "active")));
    retired.push(k.id);
  }
  await refreshKeyring(db, keyring);
  return retired;
}

export type KeyringStatus = {
  kekId: string;
  keys: Array<{ id: number; purpose: string; status: string; createdAt: Date; activatesAt: Date; retiredAt: Date | null; inUse: boolean; values: number | null }>;
  columns: Array<{ table: string; column: string; kind: string; byKey: Record<string, number> }>;
};

/** `npm run keys:status`: keys, and how many stored values each protects (counted in SQL, nothing decrypted). */
export async function keyringStatus(db: Database, keyring: Keyring, columns: EncryptedColumn[] = encryptedColumnRegistry.list()): Promise<KeyringStatus> {
  const rows = await db.select().from(keyringTable).orderBy(keyringTable.id);
  const counts = await countValuesByKey(db, columns);
  const inUse = rows.some((r) => r.purpose === "data" && r.status === "active") ? keyring.encryptionKeyId() : null;
  return {
    kekId: keyring.kekId,
    keys: rows.map((r) => ({
      id: r.id,
      purpose: r.purpose,
      status: r.status,
      createdAt: r.createdAt,
      activatesAt: r.activatesAt,
      retiredAt: r.retiredAt,
      inUse: r.id === inUse,
      values: r.purpose === "data" ? counts.filter((c) => c.keyId === r.id).reduce((n, c) => n + c.values, 0) : null,
    })),
    columns: columns.map((col) => ({
      table: col.table,
      column: col.column,
      kind: col.kind,
      byKey: Object.fromEntries(
        counts.filter((c) => c.table === col.table && c.column === col.column).map((c) => [c.keyId === null ? "plaintext" : String(c.keyId), c.values]),
      ),
    })),
  };
}

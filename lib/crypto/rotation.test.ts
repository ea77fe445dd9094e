import { randomBytes, randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "@/db/client";
import { contactMessages } from "@/db/schema";
import { encryptedColumnRegistry, type EncryptedColumn } from "./columns";
import { DecryptionError } from "./errors";
import { installKeyring, type Keyring } from "./keyring";
import { createDataKey, keepKeyringFresh, openKeyring, refreshKeyring } from "./keyring-store";
import { LocalKmsProvider } from "./kms";
import { countValuesByKey } from "./rewrite";
import { keyringStatus, rotateDataKey } from "./rotation";
import { defineTestSecrets, openScratchDatabase } from "@/tests/support/crypto";
import { open, seal } from "./values";

const secrets = defineTestSecrets("crypto_rotation_secrets");
const tokenCtx = (rowId: string) => ({ table: "crypto_rotation_secrets", column: "token", rowId });

let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
let db: Database;
let keyring: Keyring;
let restore: () => void;
let columns: EncryptedColumn[];

// Rotation changes the keyring under everyone using it: a private database and keyring.
beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.db;
  keyring = await openKeyring(db, new LocalKmsProvider(randomBytes(32)), { create: true });
  restore = installKeyring(keyring);
  await secrets.create(db);
  columns = [...encryptedColumnRegistry.list(), ...secrets.columns];
});

afterAll(async () => {
  restore?.();
  await scratch?.dispose();
});

type Expected = Map<string, { label: string; token: string; n: number }>;

async function seed(count: number, expected: Expected): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    const value = { label: `seed label ${i} ${id}`, token: `seed token ${i}`, n: i };
    expected.set(id, value);
    return { id, label: value.label, token: seal(value.token, tokenCtx(id)), settings: { n: i, tags: ["seed"] } };
  });
  for (let i = 0; i < rows.length; i += 100) await db.insert(secrets.table).values(rows.slice(i, i + 100));
  await db.insert(contactMessages).values(
    Array.from({ length: Math.ceil(count / 4) }, (_, i) => ({ name: `Sender ${i}`, email: `s${i}@example.test`, message: `Message number ${i}`, ip: "192.0.2.9" })),
  );
}

/** Reads every row back through the column types and seal/open; throws on any undecryptable value. */
async function assertAllReadable(expected: Expected): Promise<void> {
  const rows = await db.select().from(secrets.table);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const [id, want] of expected) {
    const row = byId.get(id);
    expect(row, `row ${id}`).toBeDefined();
    expect(row!.label).toBe(want.label);
    expect(row!.settings?.n).toBe(want.n);
    expect(open(row!.token!, tokenCtx(id))).toBe(want.token);
  }
  await db.select().from(contactMessages); // decrypts every contact message too
}

async function keysInUse(): Promise<Set<number | null>> {
  return new Set((await countValuesByKey(db, columns)).filter((c) => c.values > 0).map((c) => c.keyId));
}

describe("key rotation", () => {
  it("V13.3.4 rotation while values are being written loses nothing, and retires the old key", async () => {
    const expected: Expected = new Map();
    await seed(300, expected);
    const oldKey = keyring.encryptionKeyId();
    const ids = [...expected.keys()];

    // The application keeps inserting and updating rows while the job runs.
    let stop = false;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const id = randomUUID();
        const value = { label: `written during rotation ${i}`, token: `live token ${i}`, n: 1000 + i };
        await db.insert(secrets.table).values({ id, label: value.label, token: seal(value.token, tokenCtx(id)), settings: { n: value.n, tags: [] } });
        expected.set(id, value);
        const victim = ids[(i * 7) % ids.length]!;
        const updated = { label: `updated during rotation ${i}`, token: `rotated token ${i}`, n: 2000 + i };
        await db
          .update(secrets.table)
          .set({ label: updated.label, token: seal(updated.token, tokenCtx(victim)), settings: { n: updated.n, tags: [] } })
          .where(eq(secrets.table.id, victim));
        expected.set(victim, updated);
        writes += 2;
        await new Promise((r) => setImmediate(r));
      }
    })();

    const result = await rotateDataKey(db, keyring, { graceMs: 0, batchSize: 25, columns });
    stop = true;
    await writer;

    expect(writes).toBeGreaterThan(10);
    expect(result).toMatchObject({ created: true, complete: true, remaining: 0, retired: [oldKey] });
    expect(result.targetKeyId).not.toBe(oldKey);
    expect(await keysInUse()).toEqual(new Set([result.targetKeyId]));
    await assertAllReadable(expected);
  });

  it("V13.3.4 a re-encryption killed half-way leaves every value readable and finishes when run again", async () => {
    const expected: Expected = new Map();
    await seed(120, expected);
    const before = keyring.encryptionKeyId();

    // "Killed" after 3 batches of 10 rows: stops between batches, as after a kill (a batch is one statement).
    const first = await rotateDataKey(db, keyring, { graceMs: 0, batchSize: 10, maxBatches: 3, columns });
    expect(first).toMatchObject({ created: true, complete: false, retired: [] });
    expect(first.remaining).toBeGreaterThan(0);
    expect(await keysInUse()).toEqual(new Set([before, first.targetKeyId])); // mixed, and all of it readable
    await assertAllReadable(expected);
    expect((await keyringStatus(db, keyring, columns)).keys.filter((k) => k.purpose === "data" && k.status === "active").map((k) => k.id)).toEqual([
      before,
      first.targetKeyId,
    ]);

    // Stopped by a signal (Ctrl-C in keys:rotate): resumes the same rotation, adds no key.
    const controller = new AbortController();
    controller.abort();
    const stopped = await rotateDataKey(db, keyring, { graceMs: 0, batchSize: 10, signal: controller.signal, columns });
    expect(stopped).toMatchObject({ created: false, targetKeyId: first.targetKeyId, complete: false });

    const second = await rotateDataKey(db, keyring, { graceMs: 0, batchSize: 10, columns });
    expect(second).toMatchObject({ created: false, targetKeyId: first.targetKeyId, complete: true, retired: [before] });
    expect(await keysInUse()).toEqual(new Set([first.targetKeyId]));
    await assertAllReadable(expected);
  });

  it("V13.3.4 keys:status counts values per key without decrypting; a key still in use is never retired", async () => {
    const expected: Expected = new Map();
    await seed(40, expected);
    const current = keyring.encryptionKeyId();
    const status = await keyringStatus(db, keyring, columns);
    const total = (await countValuesByKey(db, columns)).reduce((n, c) => n + c.values, 0);
    expect(status.keys.find((k) => k.id === current)).toMatchObject({ status: "active", inUse: true, values: total });
    expect(status.keys.filter((k) => k.purpose === "data" && k.id !== current).every((k) => k.status === "retired" && k.values === 0)).toBe(true);
    expect(status.keys.find((k) => k.purpose === "blind_index")).toMatchObject({ status: "active", values: null });
    expect(status.columns.find((c) => c.table === "crypto_rotation_secrets" && c.column === "token")!.byKey).toEqual({
      [String(current)]: expect.any(Number),
    });

    // A value under an old key appears behind the job's back (a server with a stale keyring, a restored row):
    // the job rewrites it; a value it cannot decrypt stops the job, naming the row and not the value.
    const rogue = randomUUID();
    await db.insert(secrets.table).values({ id: rogue, label: "fine", token: seal("t", tokenCtx(rogue)) });
    await db.execute(sql`update crypto_rotation_secrets set label = (select name from contact_messages limit 1) where id = ${rogue}`);
    const failure = await rotateDataKey(db, keyring, { graceMs: 0, columns }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(new RegExp(`Stopped at crypto_rotation_secrets\\.label row ${rogue}: Cannot decrypt`));
    const unfinished = (await keyringStatus(db, keyring, columns)).keys.filter((k) => k.purpose === "data" && k.status === "active");
    expect(unfinished).toHaveLength(2); // nothing retired while a value may still need the old key

    await db.delete(secrets.table).where(eq(secrets.table.id, rogue));
    const finished = await rotateDataKey(db, keyring, { graceMs: 0, columns });
    expect(finished).toMatchObject({ created: false, complete: true, retired: [current] });
    const [raw] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from keyring where status = 'retired'`));
    expect(raw!.n).toBeGreaterThanOrEqual(3);
    await assertAllReadable(expected);
  });

  it("V13.3.4 a key added by another server reaches this one: on its refresh, and at once when a value names it", async () => {
    const other = await openKeyring(db, keyring.kms, { create: false }); // a second server on the same database
    const stop = keepKeyringFresh(db, keyring, 3600); // this server; its timer will not fire during the test
    try {
      const id = await createDataKey(db, other.kms, new Date()); // no grace: the case the grace period exists for
      await refreshKeyring(db, other);
      const written = other.encrypt("written by the other server", { table: "crypto_rotation_secrets", column: "label" });
      expect(written.startsWith(`ck1.${id}.`)).toBe(true);
      expect(() => keyring.decrypt(written, { table: "crypto_rotation_secrets", column: "label" })).toThrow(DecryptionError); // fails closed...
      await expect.poll(() => keyring.has(id), { timeout: 5_000 }).toBe(true); // ...and fetches the key at once
      expect(keyring.decrypt(written, { table: "crypto_rotation_secrets", column: "label" })).toBe("written by the other server");
    } finally {
      stop();
    }
    // Leave one active data key for the other tests: finish this rotation.
    expect(await rotateDataKey(db, keyring, { graceMs: 0, columns })).toMatchObject({ complete: true });
  });
});

import "server-only";
import { randomBytes } from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db/client";
import { keyring as keyringTable, type KeyPurpose } from "@/db/schema/keyring";
import { KEY_BYTES } from "./aead";
import { signLegacyAuditCensus } from "./audit-seal";
import { installKeyring, Keyring } from "./keyring";
import { kmsFromEnv, type KmsProvider } from "./kms";

/** Serializes key creation across servers and CLI commands (ids must not collide). */
const KEYRING_LOCK = sql.raw("select pg_advisory_xact_lock(7304017011)");

/**
 * Start-up: creates the first data key, the blind-index key and the first audit key if missing,
 * unwraps every key and installs the keyring for this process (column types, seal/open,
 * blindIndex and the audit log's MACs use it).
 */
export async function loadKeyring(db: Database, kms: KmsProvider = kmsFromEnv()): Promise<Keyring> {
  const keyring = await openKeyring(db, kms, { create: true });
  installKeyring(keyring);
  return keyring;
}

/** The keyring of a database, not installed; `create: false` leaves an empty keyring empty. */
export async function openKeyring(db: Database, kms: KmsProvider, options: { create: boolean }): Promise<Keyring> {
  if (options.create) await ensureInitialKeys(db, kms);
  const keyring = new Keyring(kms);
  await refreshKeyring(db, keyring);
  return keyring;
}

/** Loads keys added since (another server or keys:rotate), and status changes. Unwraps only new keys. */
export async function refreshKeyring(db: Database, keyring: Keyring): Promise<void> {
  const { kms } = keyring;
  const rows = await db.select().from(keyringTable).orderBy(asc(keyringTable.id));
  for (const row of rows) {
    if (keyring.has(row.id)) {
      keyring.updateKey(row.id, row.status, row.activatesAt);
      continue;
    }
    const material = await kms.unwrapKey(row.wrappedKey, { keyId: row.id, purpose: row.purpose, kekId: row.kekId });
    keyring.setKey({ id: row.id, purpose: row.purpose, status: row.status, activatesAt: row.activatesAt, material });
    material.fill(0);
  }
}

async function ensureInitialKeys(db: Database, kms: KmsProvider): Promise<void> {
  const present = async (tx: Pick<Database, "execute">) =>
    rowsOf<{ data: number; blind: number; audit: number }>(
      await tx.execute(sql`
        select count(*) filter (where purpose = 'data' and status = 'active')::int as data,
               count(*) filter (where purpose = 'blind_index')::int as blind,
               count(*) filter (where purpose = 'audit')::int as audit
        from keyring`),
    )[0]!;
  const before = await present(db);
  if (before.data > 0 && before.blind > 0 && before.audit > 0) return;
  await db.transaction(async (tx) => {
    await tx.execute(KEYRING_LOCK);
    const now = await present(tx);
    if (now.data === 0) await insertKey(tx, kms, "data", new Date());
    if (now.blind === 0) await insertKey(tx, kms, "blind_index", new Date());
    // The first audit key is created exactly once per database, and in the same transaction it
    // signs the census of chains still in the old unkeyed format (see audit-seal.ts): that census
    // can never be signed again, so a later downgrade of a new event to that format is caught.
    if (now.audit === 0) await insertKey(tx, kms, "audit", new Date(), async (id, material) => void (await signLegacyAuditCensus(tx, id, material)));
  });
}

/** A new data key that new values start using at `activatesAt`. Returns its id. */
export async function createDataKey(db: Database, kms: KmsProvider, activatesAt: Date): Promise<number> {
  return createKey(db, kms, "data", activatesAt);
}

/** A new key of `purpose` (data or audit) that starts being used at `activatesAt`. Returns its id. */
export async function createKey(db: Database, kms: KmsProvider, purpose: "data" | "audit", activatesAt: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(KEYRING_LOCK);
    return insertKey(tx, kms, purpose, activatesAt);
  });
}

async function insertKey(
  tx: Pick<Database, "execute" | "insert">,
  kms: KmsProvider,
  purpose: KeyPurpose,
  activatesAt: Date,
  withMaterial?: (id: number, material: Buffer) => Promise<void>,
): Promise<number> {
  const [{ next }] = rowsOf<{ next: number }>(await tx.execute(sql`select coalesce(max(id), 0)::int + 1 as next from keyring`)) as [
    { next: number },
  ];
  const material = randomBytes(KEY_BYTES);
  try {
    const wrappedKey = await kms.wrapKey(material, { keyId: next, purpose });
    await tx.insert(keyringTable).values({ id: next, purpose, wrappedKey, kekId: kms.kekId, status: "active", activatesAt });
    await withMaterial?.(next, material);
  } finally {
    material.fill(0);
  }
  return next;
}

const REFRESHER = Symbol.for("chargekeep.keyring.refresher");
type RefresherHolder = { [REFRESHER]?: () => void };

/**
 * Servers on Postgres re-read the keyring every `everySeconds` (a rotation started elsewhere
 * reaches them before its key is used), and at once when they meet a key id they do not have,
 * at most every 5 s. Returns a function that stops it. One refresher per process.
 */
export function keepKeyringFresh(db: Database, keyring: Keyring, everySeconds: number): () => void {
  const holder = globalThis as RefresherHolder;
  holder[REFRESHER]?.();
  let running: Promise<void> | null = null;
  let lastOnDemand = 0;
  const refresh = () => {
    running ??= refreshKeyring(db, keyring)
      .catch((e: unknown) => console.error(`Keyring refresh failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(refresh, everySeconds * 1000);
  timer.unref();
  keyring.onUnknownKey = () => {
    if (Date.now() - lastOnDemand < 5_000) return;
    lastOnDemand = Date.now();
    refresh();
  };
  const stop = () => {
    clearInterval(timer);
    keyring.onUnknownKey = undefined;
    if (holder[REFRESHER] === stop) holder[REFRESHER] = undefined;
  };
  holder[REFRESHER] = stop;
  return stop;
}

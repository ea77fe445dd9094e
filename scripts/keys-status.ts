/**
 * `npm run keys:status`: the keyring (ids, purpose, status, dates) and how many stored values each
 * data key protects, per encrypted column. Counts come from the key id in each stored value:
 * nothing is decrypted. It also checks that MASTER_KEY unwraps every key.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { guardStates, keyringStatus, kmsFromEnv, openKeyring } = await import("../lib/crypto");
const { encryptedColumnRegistry } = await import("../lib/crypto/columns");

const day = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 19) : "-");

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  const keyring = await openKeyring(handle.db, kmsFromEnv(), { create: false }); // throws if MASTER_KEY does not fit
  const status = await keyringStatus(handle.db, keyring);
  console.log(`Master key: ${status.kekId} (unwraps all ${status.keys.length} key(s))\n`);
  if (status.keys.length === 0) console.log("No keys yet: the app creates them when it first starts.");
  else console.table(
    status.keys.map((k) => ({
      id: k.id,
      purpose: k.purpose,
      status: k.status + (k.inUse ? " (encrypts new values)" : ""),
      created: day(k.createdAt),
      activates: day(k.activatesAt),
      retired: day(k.retiredAt),
      values: k.values ?? "n/a",
    })),
  );
  const guards = await guardStates(handle.db, encryptedColumnRegistry.list());
  console.log("\nEncrypted columns (values per key id):");
  console.table(
    status.columns.map((c) => ({
      column: `${c.table}.${c.column}`,
      kind: c.kind,
      guard: guards.get(`${c.table}.${c.column}`),
      values: Object.entries(c.byKey).map(([k, n]) => `key ${k}: ${n}`).join(", ") || "none",
    })),
  );
  const active = status.keys.filter((k) => k.purpose === "data" && k.status === "active");
  if (active.length > 1) console.log(`\nA rotation is unfinished (${active.length} active data keys): run npm run keys:rotate to finish it.`);
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

import { randomBytes, randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "@/db/client";
import { contactMessages } from "@/db/schema";
import { submitContactMessage } from "@/lib/contact";
import { encryptedColumnRegistry, guardName } from "./columns";
import { DecryptionError } from "./errors";
import { installKeyring, type Keyring } from "./keyring";
import { openKeyring } from "./keyring-store";
import { LocalKmsProvider } from "./kms";
import { encryptLegacyValues, guardStates } from "./legacy";
import { defineTestSecrets, openScratchDatabase } from "@/tests/support/crypto";
import { blindIndex, open, seal } from "./values";

const secrets = defineTestSecrets("crypto_test_secrets");
const legacy = defineTestSecrets("crypto_test_legacy");
const CIPHERTEXT = /^ck1\.\d+\.[A-Za-z0-9_-]{38,}$/;

let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
let db: Database;
let keyring: Keyring;
let restore: () => void;

// A private database and keyring: these tests plant undecryptable values on purpose.
beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.db;
  keyring = await openKeyring(db, new LocalKmsProvider(randomBytes(32)), { create: true });
  restore = installKeyring(keyring);
  await secrets.create(db);
});

afterAll(async () => {
  restore?.();
  await scratch?.dispose();
});

const sender = { userId: null, ip: "192.0.2.1" };

describe("encrypted columns in the database", () => {
  it("V11.3.3 a ciphertext copied into another column or table fails to decrypt when read", async () => {
    const { id } = await submitContactMessage(db, { name: "Mallory", email: "m@example.test", message: "Copy me somewhere else" }, sender);
    await db.execute(sql`update contact_messages set name = email where id = ${id}`); // passes the CHECK: it is a ciphertext
    await expect(db.select().from(contactMessages).where(eq(contactMessages.id, id))).rejects.toThrow(DecryptionError);
    await expect(db.select().from(contactMessages).where(eq(contactMessages.id, id))).rejects.toThrow(/contact_messages\.name/);

    const otherId = randomUUID();
    await db.execute(sql`insert into crypto_test_secrets (id, label) select ${otherId}, message from contact_messages where id = ${id}`);
    await expect(db.select().from(secrets.table).where(eq(secrets.table.id, otherId))).rejects.toThrow(DecryptionError);
    await db.execute(sql`delete from contact_messages where id = ${id}`);
    await db.execute(sql`delete from crypto_test_secrets where id = ${otherId}`);
  });

  it("V11.3.3 a sealed secret moved to another row does not open", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const ctx = (rowId: string) => ({ table: "crypto_test_secrets", column: "token", rowId });
    await db.insert(secrets.table).values([
      { id: a, label: "a", token: seal("token-of-a", ctx(a)) },
      { id: b, label: "b", token: seal("token-of-b", ctx(b)) },
    ]);
    const [rowA] = await db.select().from(secrets.table).where(eq(secrets.table.id, a));
    expect(rowA!.token).toMatch(CIPHERTEXT); // sealed columns come back sealed: opened where they are used
    expect(open(rowA!.token!, ctx(a))).toBe("token-of-a");

    await db.execute(sql`update crypto_test_secrets set token = (select token from crypto_test_secrets where id = ${a}) where id = ${b}`);
    const [rowB] = await db.select().from(secrets.table).where(eq(secrets.table.id, b));
    expect(() => open(rowB!.token!, ctx(b))).toThrow(DecryptionError);
  });

  it("V14.2.4 encrypted JSON round-trips and is stored as ciphertext", async () => {
    const id = randomUUID();
    const settings = { n: 42, tags: ["payroll", "ünïcode"] };
    await db.insert(secrets.table).values({ id, label: "json", settings });
    const [raw] = rowsOf<{ settings: string }>(await db.execute(sql`select settings from crypto_test_secrets where id = ${id}`));
    expect(raw!.settings).toMatch(CIPHERTEXT);
    expect(raw!.settings).not.toContain("payroll");
    const [row] = await db.select({ settings: secrets.table.settings }).from(secrets.table).where(eq(secrets.table.id, id));
    expect(row!.settings).toEqual(settings);
  });

  it("V11.4.1 a blind index finds rows by e-mail equality without the e-mail in clear; the ciphertext itself never matches", async () => {
    const lookup = (email: string) => blindIndex(email.trim().toLowerCase(), { table: "crypto_test_secrets", column: "label" });
    const email = `ada-${randomUUID()}@example.test`;
    const id = randomUUID();
    await db.insert(secrets.table).values({ id, label: email, emailLookup: lookup(email) });
    await db.insert(secrets.table).values({ id: randomUUID(), label: `other-${email}`, emailLookup: lookup(`other-${email}`) });

    const found = await db.select().from(secrets.table).where(eq(secrets.table.emailLookup, lookup(`  ${email.toUpperCase()} `)));
    expect(found.map((r) => r.id)).toEqual([id]);
    expect(found[0]!.label).toBe(email);
    // eq() on the encrypted column encrypts the parameter afresh (new IV): it can never match. Use the blind index.
    expect(await db.select().from(secrets.table).where(eq(secrets.table.label, email))).toEqual([]);
    const [raw] = rowsOf<{ whole: string }>(await db.execute(sql`select t::text as whole from crypto_test_secrets t where id = ${id}`));
    expect(raw!.whole).not.toContain(email);
  });

  it("V14.2.4 encrypting an existing column: rows stored before are encrypted at start-up, then its guard is validated", async () => {
    await legacy.create(db, "later");
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: randomUUID(), label: `legacy secret ${i}`, settings: `{"n":${i},"tags":[]}`, token: `legacy-token-${i}` }));
    for (const r of rows) {
      await db.execute(sql`insert into crypto_test_legacy (id, label, settings, token) values (${r.id}, ${r.label}, ${r.settings}, ${r.token})`);
    }
    await legacy.addGuards(db, true); // what the migration does: new writes are checked at once
    await expect(db.execute(sql`insert into crypto_test_legacy (id, label) values (${randomUUID()}, 'new plaintext')`)).rejects.toThrow();
    expect(new Set((await guardStates(db, legacy.columns)).values())).toEqual(new Set(["not_valid"]));

    expect(await encryptLegacyValues(db, keyring, legacy.columns)).toBe(rows.length * 3);
    expect(new Set((await guardStates(db, legacy.columns)).values())).toEqual(new Set(["valid"]));
    const dump = rowsOf<{ whole: string }>(await db.execute(sql`select t::text as whole from crypto_test_legacy t`)).map((r) => r.whole).join("\n");
    expect(dump).not.toContain("legacy secret");
    expect(dump).not.toContain("legacy-token");
    for (const r of rows) {
      const [row] = await db.select().from(legacy.table).where(eq(legacy.table.id, r.id));
      expect(row).toMatchObject({ label: r.label, settings: { n: Number(r.settings.slice(5, 6)), tags: [] } });
      expect(open(row!.token!, { table: "crypto_test_legacy", column: "token", rowId: r.id })).toBe(r.token);
    }
    expect(await encryptLegacyValues(db, keyring, legacy.columns)).toBe(0); // validated: nothing to scan any more
  });

  it("V11.1.2 every encrypted column of the schema has its database guard, and every guard belongs to one", async () => {
    await encryptLegacyValues(db, keyring); // what lib/bootstrap does after the migrations
    const app = encryptedColumnRegistry.list();
    expect(app.map((c) => `${c.table}.${c.column}`)).toEqual(expect.arrayContaining(["contact_messages.name", "contact_messages.email", "contact_messages.message", "contact_messages.ip"]));
    expect([...(await guardStates(db, app)).entries()].filter(([, state]) => state !== "valid")).toEqual([]);

    const known = new Set([...app, ...secrets.columns, ...legacy.columns].map((c) => guardName(c.table, c.column)));
    const guards = rowsOf<{ name: string }>(
      await db.execute(sql`select conname as name from pg_constraint where contype = 'c' and conname like '%\\_encrypted'`),
    ).map((r) => r.name);
    expect(guards.filter((g) => !known.has(g))).toEqual([]);
  });
});

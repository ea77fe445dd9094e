import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { pgTable, uuid } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/pglite";
import { describe, expect, it } from "vitest";
import { EncryptedColumnRegistry, encryptedColumns } from "./columns";
import { DecryptionError, PlaintextRefusedError } from "./errors";
import { IV_BYTES, parseStoredValue, TAG_BYTES } from "./format";
import { installKeyring, Keyring } from "./keyring";
import { LocalKmsProvider } from "./kms";
import { blindIndex, open, seal } from "./values";

const NAME = { table: "contact_messages", column: "name" };
const EMAIL = { table: "contact_messages", column: "email" };

function makeKeyring() {
  const materials = new Map<number, Buffer>();
  const keyring = new Keyring(new LocalKmsProvider(randomBytes(32)));
  const addKey = (id: number, activatesAt = new Date(0)) => {
    const material = randomBytes(32);
    materials.set(id, material);
    keyring.setKey({ id, purpose: "data", status: "active", activatesAt, material });
  };
  addKey(1);
  keyring.setKey({ id: 50, purpose: "blind_index", status: "active", activatesAt: new Date(0), material: randomBytes(32) });
  return { keyring, addKey, materials };
}

/** Flips one bit of the decoded payload at `offset` (negative: from the end) and re-encodes it. */
function flipPayloadBit(stored: string, offset: number): string {
  const parsed = parseStoredValue(stored)!;
  const payload = Buffer.from(parsed.payload);
  const i = offset < 0 ? payload.length + offset : offset;
  payload[i]! ^= 0x01;
  return parsed.header + payload.toString("base64url");
}

describe("encrypted values (AES-256-GCM, format ck1)", () => {
  it("V11.3.2 V11.3.3 round-trips text of any size in the versioned ck1.<key id>.<IV|ciphertext|tag> format", () => {
    const { keyring } = makeKeyring();
    for (const text of ["", "Ada Lovelace", "Zoë ✓ 東京 🙂", "x".repeat(64 * 1024)]) {
      const stored = keyring.encrypt(text, NAME);
      expect(stored).toMatch(/^ck1\.1\.[A-Za-z0-9_-]+$/);
      expect(parseStoredValue(stored)!.payload.length).toBe(IV_BYTES + Buffer.byteLength(text) + TAG_BYTES); // no padding, no compression
      expect(keyring.decrypt(stored, NAME)).toBe(text);
    }
  });

  it("V11.3.4 V11.5.1 draws a fresh random 96-bit IV for every value", () => {
    const { keyring } = makeKeyring();
    const stored = Array.from({ length: 3000 }, () => keyring.encrypt("same plaintext", NAME)); // crosses IV-pool refills
    const ivs = new Set(stored.map((s) => parseStoredValue(s)!.payload.subarray(0, IV_BYTES).toString("hex")));
    expect(ivs.size).toBe(stored.length);
    expect(new Set(stored).size).toBe(stored.length);
  });

  it("V11.3.3 V11.2.5 fails loudly when one bit of the ciphertext, tag, IV or key id changes", () => {
    const { keyring, addKey } = makeKeyring();
    addKey(2, new Date(Date.now() + 3_600_000)); // loaded, not yet used for new values
    const stored = keyring.encrypt("a secret worth protecting", NAME);
    const tampered = {
      ciphertext: flipPayloadBit(stored, IV_BYTES + 3),
      tag: flipPayloadBit(stored, -1),
      iv: flipPayloadBit(stored, 0),
      keyId: stored.replace(/^ck1\.1\./, "ck1.2."), // a real key, but not the one used
      unknownKey: stored.replace(/^ck1\.1\./, "ck1.7."),
      version: stored.replace(/^ck1\./, "ck2."),
      truncated: stored.slice(0, 20),
    };
    for (const [part, value] of Object.entries(tampered)) {
      expect(() => keyring.decrypt(value, NAME), part).toThrow(DecryptionError);
    }
    expect(() => keyring.decrypt(tampered.tag, NAME)).toThrow(/authentication failed/);
    expect(() => keyring.decrypt(tampered.unknownKey, NAME)).toThrow(/key 7 is not in the loaded keyring/);
    expect(keyring.decrypt(stored, NAME)).toBe("a secret worth protecting");
  });

  it("V11.3.3 a value copied into another column or table does not decrypt (per-column subkey and AAD)", () => {
    const { keyring } = makeKeyring();
    const stored = keyring.encrypt("ada@example.test", EMAIL);
    expect(() => keyring.decrypt(stored, NAME)).toThrow(DecryptionError);
    expect(() => keyring.decrypt(stored, { table: "users", column: "email" })).toThrow(DecryptionError);
    expect(keyring.decrypt(stored, EMAIL)).toBe("ada@example.test");
  });

  it("V11.3.3 a sealed secret opens only for its own row, column and table", () => {
    const { keyring } = makeKeyring();
    const restore = installKeyring(keyring);
    try {
      const ctx = { table: "bank_connections", column: "access_token", rowId: "4c1a8a56-0000-4000-8000-000000000001" };
      const sealed = seal("at-123", ctx);
      expect(open(sealed, ctx)).toBe("at-123");
      expect(() => open(sealed, { ...ctx, rowId: "4c1a8a56-0000-4000-8000-000000000002" })).toThrow(DecryptionError);
      expect(() => open(sealed, { ...ctx, column: "refresh_token" })).toThrow(DecryptionError);
      expect(() => keyring.decrypt(sealed, { table: ctx.table, column: ctx.column })).toThrow(DecryptionError); // not without its row
      expect(() => seal("at-123", { ...ctx, rowId: "" })).toThrow(/row id/);
    } finally {
      restore();
    }
  });

  it("V11.2.2 V13.3.4 new values move to a new key at its activation time; older values stay readable", () => {
    const { keyring, addKey } = makeKeyring();
    const old = keyring.encrypt("written under key 1", NAME);
    addKey(2, new Date(Date.now() + 60_000)); // a rotation on Postgres: servers load it first
    expect(keyring.encrypt("still key 1", NAME)).toMatch(/^ck1\.1\./);
    addKey(3, new Date(Date.now() - 1));
    expect(keyring.encrypt("now key 3", NAME)).toMatch(/^ck1\.3\./);
    keyring.updateKey(1, "retired", new Date(0));
    expect(keyring.decrypt(old, NAME)).toBe("written under key 1"); // retired keys still decrypt
  });

  it("V11.4.1 blind index: keyed HMAC-SHA256, equal for equal input, unrelated across columns and keyrings", () => {
    const { keyring } = makeKeyring();
    const restore = installKeyring(keyring);
    try {
      const a = blindIndex("ada@example.test", EMAIL);
      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(blindIndex("ada@example.test", EMAIL)).toBe(a);
      expect(blindIndex("ada@example.test", { table: "users", column: "email" })).not.toBe(a);
      expect(blindIndex("bob@example.test", EMAIL)).not.toBe(a);
      expect(makeKeyring().keyring.blindIndex("ada@example.test", EMAIL)).not.toBe(a);
    } finally {
      restore();
    }
  });

  it("V16.2.5 errors, console output and JSON never show a value or key material", () => {
    const { keyring, materials } = makeKeyring();
    const stored = keyring.encrypt("Ada's secret", NAME);
    let message = "";
    try {
      keyring.decrypt(flipPayloadBit(stored, -1), NAME);
    } catch (e) {
      message = `${(e as Error).message} ${inspect(e)}`;
    }
    expect(message).toMatch(/contact_messages\.name/);
    expect(message).not.toContain("Ada");
    expect(message).not.toContain(parseStoredValue(stored)!.payload.toString("base64url").slice(0, 20));
    const shown = `${inspect(keyring, { depth: 10, showHidden: true })} ${JSON.stringify(keyring)}`;
    for (const m of materials.values()) {
      expect(shown).not.toContain(m.toString("hex"));
      expect(shown).not.toContain(m.toString("base64"));
    }
  });

  it("V14.2.4 a sealed column refuses a plaintext before the query is sent", () => {
    const enc = encryptedColumns("crypto_unit_secrets", { registry: new EncryptedColumnRegistry() });
    const secrets = pgTable("crypto_unit_secrets", { id: uuid("id").primaryKey(), token: enc.sealed("token") });
    const db = drizzle.mock();
    const id = "4c1a8a56-0000-4000-8000-000000000003";
    // @ts-expect-error a plain string is not a Sealed: the type system refuses it first
    const plain = db.insert(secrets).values({ id, token: "plain-refresh-token" });
    expect(() => plain.toSQL()).toThrow(PlaintextRefusedError);
  });
});

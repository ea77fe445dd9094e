import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const KEY_PURPOSES = ["data", "blind_index", "audit"] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];
export const KEY_STATUSES = ["active", "retired"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/**
 * Data keys for encrypted columns (lib/crypto), each stored only wrapped (encrypted) by the master
 * key or KMS named in kek_id. "retired" keys encrypt nothing new and protect no value; they stay
 * so that older backups remain readable. "audit" keys MAC the audit log's chains and anchors
 * (lib/audit): the newest active one signs, every older one stays to verify what it signed.
 */
export const keyring = pgTable(
  "keyring",
  {
    /** Small on purpose: written into every encrypted value ("ck1.<id>."). Assigned under a lock. */
    id: integer("id").primaryKey(),
    purpose: text("purpose", { enum: KEY_PURPOSES }).notNull(),
    wrappedKey: text("wrapped_key").notNull(),
    kekId: text("kek_id").notNull(),
    status: text("status", { enum: KEY_STATUSES }).notNull().default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** New values use a new data key only from this time on, once every server has loaded it. */
    activatesAt: timestamp("activates_at", { withTimezone: true }).notNull(),
    retiredAt: timestamp("retired_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("keyring_one_blind_index_key").on(t.purpose).where(sql`purpose = 'blind_index'`),
    check("keyring_id_positive", sql`${t.id} > 0`),
  ],
);

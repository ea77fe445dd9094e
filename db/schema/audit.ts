import { randomUUID } from "node:crypto";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * The tamper-evident audit log (lib/audit). Append-only: triggers in 0004_audit.sql refuse UPDATE,
 * DELETE and TRUNCATE; the prune command is the one sanctioned delete. No foreign keys on purpose:
 * an event outlives the user or organization it names (a cascade would be a delete).
 *
 * One chain per organization (`chain` = the organization id) and one for the platform
 * (`chain` = "platform", organization_id null): `seq` counts 1, 2, 3… per chain and `hash` =
 * HMAC-SHA256 under audit key `mac_key_id` (a keyring key, never in the database unwrapped) over
 * prev_hash and the canonical encoding of the event, see lib/audit/canonical.ts. Events written
 * before migration 0010 have mac_key_id null and an unkeyed SHA-256 `hash` (format v1): accepted
 * only up to the chain's signed legacy seal (audit_legacy_seals).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    chain: text("chain").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid("actor_user_id"),
    organizationId: uuid("organization_id"),
    action: text("action").notNull(),
    result: text("result", { enum: ["success", "failure", "denied"] }).notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    metadata: jsonb("metadata").$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    prevHash: text("prev_hash").notNull(),
    /** The chain value: HMAC (v2) or, for legacy v1 events, SHA-256; hex either way. */
    hash: text("hash").notNull(),
    /** The audit key (keyring id) of the MAC; null = a legacy v1 event. */
    macKeyId: integer("mac_key_id"),
  },
  (t) => [
    uniqueIndex("audit_events_chain_seq_key").on(t.chain, t.seq),
    // The admin log: one organization, newest first, keyset on (created_at, seq); each filter has
    // its own index with the same tail so a filtered page is still an index range scan. NULLS FIRST
    // is what a plain ORDER BY ... DESC means: an index declared NULLS LAST would not serve it.
    index("audit_events_org_created_idx").on(t.organizationId, t.createdAt.desc().nullsFirst(), t.seq.desc().nullsFirst()),
    index("audit_events_org_action_idx").on(t.organizationId, t.action, t.createdAt.desc().nullsFirst(), t.seq.desc().nullsFirst()),
    index("audit_events_org_actor_idx").on(t.organizationId, t.actorUserId, t.createdAt.desc().nullsFirst(), t.seq.desc().nullsFirst()),
    index("audit_events_org_result_idx").on(t.organizationId, t.result, t.createdAt.desc().nullsFirst(), t.seq.desc().nullsFirst()),
    index("audit_events_org_ip_idx").on(t.organizationId, t.ip, t.createdAt.desc().nullsFirst(), t.seq.desc().nullsFirst()),
    // "Your activity": one user across organizations.
    index("audit_events_actor_created_idx").on(t.actorUserId, t.createdAt.desc().nullsFirst(), t.seq.desc().nullsFirst()),
  ],
);

/**
 * The head of each chain: the last seq and hash. Writers upsert this row first, so its row lock
 * serialises writers per chain (one chain never forks) and the next seq survives a prune that
 * removed every event. Verification also compares it with the last event (a truncated tail).
 */
export const auditChainHeads = pgTable("audit_chain_heads", {
  chain: text("chain").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
  /** The audit key of the last event; a writer never signs with an older one (no downgrade on rotation). */
  macKeyId: integer("mac_key_id"),
});

/**
 * Where each chain's old unkeyed (v1, SHA-256) events end. Migration 0010 fills it (a census of
 * the chains that had events then); the first audit key signs it once, in the transaction that
 * creates that key (lib/crypto/audit-seal.ts). Verification accepts a v1 event only at or below
 * its chain's signed `last_seq`, and the v1 chain must hash to `hash` there. Append-only, except
 * that one signing update.
 */
export const auditLegacySeals = pgTable("audit_legacy_seals", {
  chain: text("chain").primaryKey(),
  lastSeq: bigint("last_seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
  keyId: integer("key_id"),
  mac: text("mac"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A log of the anchors this database wrote out (lib/audit/anchor.ts): each row is the signed
 * document also written to every anchor store. Not evidence (whoever can write the database can
 * change it; the copies in the stores are what `audit:verify` trusts): it tells the scheduler
 * whether anything changed since the last anchor and shows where each one went.
 */
export const auditAnchors = pgTable(
  "audit_anchors",
  {
    id: uuid("id").primaryKey(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    reason: text("reason").notNull(),
    keyId: integer("key_id").notNull(),
    /** SHA-256 of the heads it lists: "nothing changed" is a comparison with the newest row's. */
    headsDigest: text("heads_digest").notNull(),
    /** The signed anchor document (JSON), byte for byte what the stores hold. */
    body: text("body").notNull(),
    /** Where it was written: [{ location, ok, error? }]. */
    stored: jsonb("stored").$type<{ location: string; ok: boolean; error?: string }[]>().notNull(),
  },
  (t) => [index("audit_anchors_created_idx").on(t.createdAt)],
);

/**
 * Written by `npm run audit:prune` before it deletes events up to `up_to_seq`: the hash at that
 * point, MAC'd with a keyring-derived key, so the remaining chain verifies from here and a forged
 * checkpoint (to hide a deletion) does not.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    chain: text("chain").notNull(),
    upToSeq: bigint("up_to_seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
    mac: text("mac").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("audit_checkpoints_chain_seq_key").on(t.chain, t.upToSeq)],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type AuditLegacySealRow = typeof auditLegacySeals.$inferSelect;
export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;

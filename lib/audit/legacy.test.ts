import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditChainHeads, auditEvents, auditLegacySeals, type AuditEventRow } from "@/db/schema";
import { kmsFromEnv, openKeyring } from "@/lib/crypto";
import { canonicalEvent, eventHash, GENESIS_HASH } from "./canonical";
import { recordAudit, runAuditVerify, verifyChains } from "./index";
import { openAuditScratch, withTriggersDisabled, type AuditScratch } from "@/tests/support/audit";

/**
 * Upgrading a database whose audit log was written before audit MACs (migration 0010): its events
 * keep their unkeyed SHA-256 chain values and must still verify, while nobody may pass a new event
 * off in that format. A private database, migrated to 0009, filled the old way, then upgraded.
 */
let scratch: AuditScratch & { finish: () => Promise<void> };
let db: Database;
const [oldA, oldB] = [randomUUID(), randomUUID()];

/** What the pre-0010 recorder wrote: v1 SHA-256 values, no mac_key_id column yet. */
async function writeOldFormat(chain: string, n: number): Promise<void> {
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      id: randomUUID(),
      chain,
      seq,
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)),
      organizationId: chain,
      actorUserId: null,
      action: "role.updated",
      result: "success",
      targetType: null,
      targetId: null,
      ip: "198.51.100.7",
      userAgent: null,
      requestId: null,
      metadata: { seq },
    };
    const hash = eventHash(prev, e);
    await db.execute(sql`
      insert into audit_events (id, chain, seq, created_at, organization_id, action, result, ip, metadata, prev_hash, hash)
      values (${e.id}::uuid, ${chain}, ${seq}, ${e.createdAt.toISOString()}::timestamptz, ${chain}::uuid, ${e.action}, ${e.result}, ${e.ip}, ${JSON.stringify(e.metadata)}::jsonb, ${prev}, ${hash})`);
    prev = hash;
  }
  await db.execute(sql`insert into audit_chain_heads (chain, seq, hash) values (${chain}, ${n}, ${prev})`);
}

beforeAll(async () => {
  scratch = await openAuditScratch({ upTo: "0009_backup_copy_verification" });
  db = scratch.db;
  await writeOldFormat(oldA, 4);
  await writeOldFormat(oldB, 3);
  await scratch.finish(); // migration 0010 takes the census; the first audit key signs it
});
afterAll(async () => scratch?.dispose());

const rowsOf = (tx: Database, chain: string): Promise<AuditEventRow[]> => tx.select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.seq));
const record = (org: string) => recordAudit(db, { organizationId: org, actorUserId: null, action: "role.updated", result: "success" });

/** The attacker's re-chaining from `fromSeq` on in the old format (which needs no key), head included. */
async function downgradeFrom(tx: Database, chain: string, fromSeq: number): Promise<void> {
  const rows = await rowsOf(tx, chain);
  let prev = fromSeq === 1 ? GENESIS_HASH : rows[fromSeq - 2]!.hash;
  for (const row of rows.slice(fromSeq - 1)) {
    const hash = eventHash(prev, { ...row, metadata: row.metadata ?? {} });
    await tx.update(auditEvents).set({ prevHash: prev, hash, macKeyId: null }).where(eq(auditEvents.id, row.id));
    prev = hash;
  }
  await tx.update(auditChainHeads).set({ hash: prev, macKeyId: null }).where(eq(auditChainHeads.chain, chain));
}

describe("events written before audit MACs", () => {
  it("V16.4.2 still verify: the migration's census, signed once by the first audit key, says where the old format ends; new events continue the chain with MACs", async () => {
    const seals = await db.select().from(auditLegacySeals).orderBy(asc(auditLegacySeals.chain));
    expect(seals.map((s) => [s.chain, s.lastSeq])).toEqual([[oldA, 4], [oldB, 3]].sort());
    expect(seals.every((s) => s.keyId !== null && /^[0-9a-f]{64}$/.test(s.mac ?? ""))).toBe(true);
    expect(await verifyChains(db, { chains: [oldA, oldB] })).toMatchObject({ ok: true, events: 7 });

    await record(oldA);
    await record(oldA);
    const rows = await rowsOf(db, oldA);
    expect(rows.map((r) => r.macKeyId === null)).toEqual([true, true, true, true, false, false]);
    expect(rows[4]!.prevHash).toBe(rows[3]!.hash); // one chain across the upgrade
    const report = await verifyChains(db, { chains: [oldA] });
    expect(report).toMatchObject({ ok: true, events: 6 });
    expect(report.chains[0]!.legacyUpToSeq).toBe(4);
  });

  it("V16.4.2 a new event rewritten in the old SHA-256 format (a downgrade, re-chained to the head) is refused; audit:verify exits 1", async () => {
    await record(oldA);
    const result = await withTriggersDisabled(async (tx) => {
      await downgradeFrom(tx, oldA, 5);
      return runAuditVerify(tx, { chains: [oldA], stores: [] });
    }, db);
    expect(result.report.chains[0]!.firstBroken).toMatchObject({ seq: 5, problem: expect.stringMatching(/old unkeyed SHA-256 format, but this chain's old-format events end at seq 4: .*downgrade/) });
    expect(result.exitCode).toBe(1);
  });

  it("V16.4.2 a chain begun after the upgrade cannot be passed off as old-format, not even with a planted legacy seal (unsigned, or signed with another key)", async () => {
    const fresh = randomUUID();
    for (let i = 0; i < 3; i++) await record(fresh);
    const whole = await withTriggersDisabled(async (tx) => {
      await downgradeFrom(tx, fresh, 1);
      return verifyChains(tx, { chains: [fresh] });
    }, db);
    expect(whole.chains[0]!.firstBroken).toMatchObject({ seq: 1, problem: expect.stringMatching(/but this chain has no old-format events/) });

    const unsigned = await withTriggersDisabled(async (tx) => {
      await downgradeFrom(tx, fresh, 1);
      const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.chain, fresh));
      await tx.insert(auditLegacySeals).values({ chain: fresh, lastSeq: 3, hash: head!.hash });
      return verifyChains(tx, { chains: [fresh] });
    }, db);
    expect(unsigned.chains[0]!.firstBroken).toMatchObject({ seq: 3, problem: expect.stringMatching(/legacy seal .* is unsigned: it was added after the upgrade/) });

    const keyId = scratch.keyring.keys().find((k) => k.purpose === "audit")!.id;
    const selfSigned = await withTriggersDisabled(async (tx) => {
      await downgradeFrom(tx, fresh, 1);
      const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.chain, fresh));
      const mac = createHmac("sha256", randomBytes(32)).update(`ck-audit-legacy-seal-v1|${keyId}|${fresh}|3|${head!.hash}`).digest("hex");
      await tx.insert(auditLegacySeals).values({ chain: fresh, lastSeq: 3, hash: head!.hash, keyId, mac });
      return verifyChains(tx, { chains: [fresh] });
    }, db);
    expect(selfSigned.chains[0]!.firstBroken).toMatchObject({ problem: expect.stringMatching(/legacy seal has an invalid signature/) });
  });

  it("V16.4.2 the census is signed once: a seal row added later stays unsigned when the keyring is opened again", async () => {
    const later = randomUUID();
    const mac = await withTriggersDisabled(async (tx) => {
      await tx.insert(auditLegacySeals).values({ chain: later, lastSeq: 2, hash: GENESIS_HASH });
      await openKeyring(tx, kmsFromEnv(), { create: true }); // what every start-up does
      const [row] = await tx.select().from(auditLegacySeals).where(eq(auditLegacySeals.chain, later));
      return row!.mac;
    }, db);
    expect(mac).toBeNull();
  });

  it("V16.4.2 an old-format event rewritten and the old-format part re-hashed is caught at the seal; re-MAC'ing the seal without the key is caught too", async () => {
    await record(oldB); // seq 4 carries a MAC and links to the old part's end
    const rows = await rowsOf(db, oldB);
    const rehashOld = async (tx: Database) => {
      let prev = rows[0]!.hash;
      for (const row of rows.slice(1, 3)) {
        const edited = { ...row, prevHash: prev, ip: row.seq === 2 ? "192.0.2.66" : row.ip, metadata: row.metadata ?? {} };
        const hash = eventHash(prev, edited);
        await tx.update(auditEvents).set({ ip: edited.ip, prevHash: prev, hash }).where(eq(auditEvents.id, row.id));
        prev = hash;
      }
      return prev;
    };
    const atSeal = await withTriggersDisabled(async (tx) => {
      await rehashOld(tx);
      return verifyChains(tx, { chains: [oldB] });
    }, db);
    expect(atSeal.chains[0]!.firstBroken).toMatchObject({ seq: 3, problem: expect.stringMatching(/do not end with the hash the signed legacy seal recorded/) });

    const sealToo = await withTriggersDisabled(async (tx) => {
      const end = await rehashOld(tx);
      const [seal] = await tx.select().from(auditLegacySeals).where(eq(auditLegacySeals.chain, oldB));
      const mac = createHmac("sha256", randomBytes(32)).update(`${oldB}|3|${end}`).digest("hex");
      await tx.update(auditLegacySeals).set({ hash: end, mac }).where(eq(auditLegacySeals.chain, oldB));
      // and the first MAC'd event re-pointed at the new end, MAC recomputed without the key
      const first = rows[3]!;
      await tx
        .update(auditEvents)
        .set({ prevHash: end, hash: createHmac("sha256", randomBytes(32)).update(end + canonicalEvent({ ...first, metadata: first.metadata ?? {} }, first.macKeyId)).digest("hex") })
        .where(eq(auditEvents.id, first.id));
      expect(seal!.mac).not.toBe(mac);
      return verifyChains(tx, { chains: [oldB] });
    }, db);
    expect(sealToo.chains[0]!.firstBroken).toMatchObject({ problem: expect.stringMatching(/legacy seal has an invalid signature/) });
  });
});

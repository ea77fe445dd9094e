import "server-only";
import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { auditChainHeads, auditCheckpoints, auditEvents, auditLegacySeals, type AuditEventRow } from "@/db/schema";
import { checkAuditMac, legacySealMessage } from "@/lib/crypto";
import { checkEventMac, eventHash, GENESIS_HASH } from "./canonical";
import { checkpointMacValid } from "./checkpoint";

export type ChainProblem = { eventId: string | null; seq: number; problem: string };
export type ChainReport = {
  chain: string;
  /** Events checked (after the checkpoint, if any). */
  events: number;
  /** The chain was pruned up to this seq; verification started from its signed checkpoint. */
  checkpointSeq: number | null;
  /** Events up to this seq are in the old unkeyed format (the chain's signed legacy seal). */
  legacyUpToSeq: number | null;
  lastSeq: number;
  /** The chain value (MAC) at lastSeq: what an anchor of this chain is compared with. */
  lastHash: string;
  ok: boolean;
  firstBroken: ChainProblem | null;
};
export type VerifyReport = { ok: boolean; events: number; chains: ChainReport[] };

async function allChains(db: Database): Promise<string[]> {
  const rows = rowsOf<{ chain: string }>(
    await db.execute(sql`
      select chain from audit_chain_heads
      union select distinct chain from audit_events
      union select chain from audit_checkpoints
      union select chain from audit_legacy_seals
      order by chain`),
  );
  return rows.map((r) => r.chain);
}

/**
 * Walks every chain (or the ones named) in seq order, in batches (never the whole table in
 * memory): checks each event's MAC under the audit key it names (HMAC-SHA256: recomputing it needs
 * the key, which is not in the database), each prev_hash link, that seq has no gap and key ids
 * never go backwards, and compares the end with the chain head (a removed tail). Events in the old
 * unkeyed SHA-256 format are accepted only up to the chain's signed legacy seal. A pruned chain
 * starts from its latest checkpoint, whose MAC must verify. Reports the first broken event per chain.
 */
export async function verifyChains(db: Database, opts: { chains?: string[]; batchSize?: number } = {}): Promise<VerifyReport> {
  const chains = opts.chains ?? (await allChains(db));
  const reports: ChainReport[] = [];
  for (const chain of chains) reports.push(await verifyChain(db, chain, opts.batchSize ?? 2_000));
  return { ok: reports.every((r) => r.ok), events: reports.reduce((n, r) => n + r.events, 0), chains: reports };
}

type Walk = { expectedSeq: number; prevHash: string; lastKeyId: number | null; legacyUpTo: number | null; legacyHash: string | null };

async function verifyChain(db: Database, chain: string, batchSize: number): Promise<ChainReport> {
  const report: ChainReport = { chain, events: 0, checkpointSeq: null, legacyUpToSeq: null, lastSeq: 0, lastHash: GENESIS_HASH, ok: true, firstBroken: null };
  const fail = (problem: ChainProblem) => {
    report.ok = false;
    report.firstBroken = problem;
    return report;
  };

  const walk: Walk = { expectedSeq: 1, prevHash: GENESIS_HASH, lastKeyId: null, legacyUpTo: null, legacyHash: null };
  const [seal] = await db.select().from(auditLegacySeals).where(eq(auditLegacySeals.chain, chain));
  if (seal) {
    const sealProblem = checkSeal(seal);
    if (sealProblem) return fail({ eventId: null, seq: seal.lastSeq, problem: sealProblem });
    walk.legacyUpTo = seal.lastSeq;
    walk.legacyHash = seal.hash;
    report.legacyUpToSeq = seal.lastSeq;
  }

  const [cp] = await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.chain, chain)).orderBy(desc(auditCheckpoints.upToSeq)).limit(1);
  if (cp) {
    report.checkpointSeq = cp.upToSeq;
    report.lastSeq = cp.upToSeq;
    report.lastHash = cp.hash;
    if (!checkpointMacValid(cp)) {
      return fail({ eventId: null, seq: cp.upToSeq, problem: `the checkpoint at seq ${cp.upToSeq} has an invalid signature (forged or altered)` });
    }
    if (walk.legacyUpTo !== null && cp.upToSeq === walk.legacyUpTo && cp.hash !== walk.legacyHash) {
      return fail({ eventId: null, seq: cp.upToSeq, problem: "the checkpoint disagrees with the signed legacy seal at the same seq (the old-format events were rewritten)" });
    }
    walk.expectedSeq = cp.upToSeq + 1;
    walk.prevHash = cp.hash;
  }

  let after = walk.expectedSeq - 1;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.seq, after)))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize);
    for (const row of rows) {
      const problem = checkEvent(row, walk);
      if (problem) return fail({ eventId: row.id, seq: row.seq, problem });
      walk.prevHash = row.hash;
      walk.expectedSeq++;
      report.events++;
      report.lastSeq = row.seq;
      report.lastHash = row.hash;
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1]!.seq;
  }

  const [head] = await db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain));
  if (head && head.seq > report.lastSeq) {
    return fail({ eventId: null, seq: report.lastSeq + 1, problem: `events ${report.lastSeq + 1}-${head.seq} are missing at the end (the chain head is at seq ${head.seq})` });
  }
  if (head && head.seq === report.lastSeq && head.hash !== walk.prevHash) {
    return fail({ eventId: null, seq: head.seq, problem: "the last event's hash differs from the chain head's" });
  }
  if (walk.legacyUpTo !== null && report.lastSeq < walk.legacyUpTo) {
    return fail({
      eventId: null,
      seq: report.lastSeq + 1,
      problem: `events ${report.lastSeq + 1}-${walk.legacyUpTo} are missing: the signed legacy seal says this chain already had ${walk.legacyUpTo} events before audit MACs were introduced`,
    });
  }
  return report;
}

function checkSeal(seal: typeof auditLegacySeals.$inferSelect): string | null {
  if (seal.mac === null || seal.keyId === null) {
    return "the chain's legacy seal (where the old unkeyed format ends) is unsigned: it was added after the upgrade, to pass rewritten events off as old-format ones";
  }
  const check = checkAuditMac(seal.keyId, "legacy-seal", legacySealMessage({ chain: seal.chain, lastSeq: seal.lastSeq, hash: seal.hash, keyId: seal.keyId }), seal.mac);
  if (check === "unknown_key") return `the chain's legacy seal names audit key ${seal.keyId}, which this keyring does not hold (forged)`;
  if (check === "mismatch") return "the chain's legacy seal has an invalid signature (forged or altered)";
  return null;
}

/** The problem with one event, given the walk so far; null when it verifies. */
function checkEvent(row: AuditEventRow, walk: Walk): string | null {
  if (row.seq !== walk.expectedSeq) {
    return `events ${walk.expectedSeq}${row.seq - 1 > walk.expectedSeq ? `-${row.seq - 1}` : ""} are missing before seq ${row.seq} (deleted)`;
  }
  if (row.prevHash !== walk.prevHash) {
    return `prev_hash does not match the hash of seq ${row.seq - 1} (an event was removed, inserted or moved)`;
  }
  const fields = { ...row, metadata: row.metadata ?? {} };
  if (row.macKeyId === null) {
    // The old unkeyed format: anyone with write access can recompute it, so it is believed only
    // where the signed seal says the chain still had old-format events.
    if (walk.legacyUpTo === null || row.seq > walk.legacyUpTo) {
      const where = walk.legacyUpTo === null ? "this chain has no old-format events" : `this chain's old-format events end at seq ${walk.legacyUpTo}`;
      return `the event is in the old unkeyed SHA-256 format, but ${where}: it was rewritten by someone without the audit key (a downgrade)`;
    }
    if (eventHash(row.prevHash, fields) !== row.hash) return "the stored hash does not match the event's contents (edited)";
    if (row.seq === walk.legacyUpTo && row.hash !== walk.legacyHash) {
      return "the old-format events do not end with the hash the signed legacy seal recorded (rewritten and re-hashed)";
    }
    return null;
  }
  if (walk.legacyUpTo !== null && row.seq <= walk.legacyUpTo) {
    return `the event carries a MAC, but the signed legacy seal says seq ${row.seq} was written before MACs existed (rewritten)`;
  }
  if (walk.lastKeyId !== null && row.macKeyId < walk.lastKeyId) {
    return `the event is signed with audit key ${row.macKeyId}, older than key ${walk.lastKeyId} of the event before it: a rotated-out key was used to rewrite it`;
  }
  const check = checkEventMac(row.macKeyId, row.prevHash, fields, row.hash);
  if (check === "unknown_key") return `the event names audit key ${row.macKeyId}, which this keyring does not hold (forged, or not the MASTER_KEY this log was written with)`;
  if (check === "mismatch") return "the MAC does not match the event's contents (edited, or re-chained without the audit key)";
  walk.lastKeyId = row.macKeyId;
  return null;
}

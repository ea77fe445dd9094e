import "server-only";
import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { auditChainHeads, auditCheckpoints, auditEvents } from "@/db/schema";
import { eventHash, GENESIS_HASH } from "./canonical";
import { checkpointMacValid } from "./checkpoint";

export type ChainProblem = { eventId: string | null; seq: number; problem: string };
export type ChainReport = {
  chain: string;
  /** Events checked (after the checkpoint, if any). */
  events: number;
  /** The chain was pruned up to this seq; verification started from its signed checkpoint. */
  checkpointSeq: number | null;
  lastSeq: number;
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
      order by chain`),
  );
  return rows.map((r) => r.chain);
}

/**
 * Walks every chain (or the ones named) in seq order, in batches (never the whole table in
 * memory): recomputes each hash, checks each prev_hash link and that seq has no gap, and compares
 * the end with the chain head (a removed tail). A pruned chain starts from its latest checkpoint,
 * whose MAC must verify. Reports the first broken event per chain.
 */
export async function verifyChains(db: Database, opts: { chains?: string[]; batchSize?: number } = {}): Promise<VerifyReport> {
  const chains = opts.chains ?? (await allChains(db));
  const reports: ChainReport[] = [];
  for (const chain of chains) reports.push(await verifyChain(db, chain, opts.batchSize ?? 2_000));
  return { ok: reports.every((r) => r.ok), events: reports.reduce((n, r) => n + r.events, 0), chains: reports };
}

async function verifyChain(db: Database, chain: string, batchSize: number): Promise<ChainReport> {
  const report: ChainReport = { chain, events: 0, checkpointSeq: null, lastSeq: 0, ok: true, firstBroken: null };
  const fail = (problem: ChainProblem) => {
    report.ok = false;
    report.firstBroken = problem;
    return report;
  };

  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  const [cp] = await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.chain, chain)).orderBy(desc(auditCheckpoints.upToSeq)).limit(1);
  if (cp) {
    report.checkpointSeq = cp.upToSeq;
    report.lastSeq = cp.upToSeq;
    if (!checkpointMacValid(cp)) {
      return fail({ eventId: null, seq: cp.upToSeq, problem: `the checkpoint at seq ${cp.upToSeq} has an invalid signature (forged or altered)` });
    }
    expectedSeq = cp.upToSeq + 1;
    prevHash = cp.hash;
  }

  let after = expectedSeq - 1;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.seq, after)))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize);
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return fail({
          eventId: row.id,
          seq: row.seq,
          problem: `events ${expectedSeq}${row.seq - 1 > expectedSeq ? `-${row.seq - 1}` : ""} are missing before seq ${row.seq} (deleted)`,
        });
      }
      if (row.prevHash !== prevHash) {
        return fail({
          eventId: row.id,
          seq: row.seq,
          problem: `prev_hash does not match the hash of seq ${row.seq - 1} (an event was removed, inserted or moved)`,
        });
      }
      const recomputed = eventHash(row.prevHash, { ...row, metadata: row.metadata ?? {} });
      if (recomputed !== row.hash) {
        return fail({ eventId: row.id, seq: row.seq, problem: "the stored hash does not match the event's contents (edited)" });
      }
      prevHash = row.hash;
      report.events++;
      report.lastSeq = row.seq;
      expectedSeq++;
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1]!.seq;
  }

  const [head] = await db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain));
  if (head && head.seq > report.lastSeq) {
    return fail({ eventId: null, seq: report.lastSeq + 1, problem: `events ${report.lastSeq + 1}-${head.seq} are missing at the end (the chain head is at seq ${head.seq})` });
  }
  if (head && head.seq === report.lastSeq && head.hash !== prevHash) {
    return fail({ eventId: null, seq: head.seq, problem: "the last event's hash differs from the chain head's" });
  }
  return report;
}

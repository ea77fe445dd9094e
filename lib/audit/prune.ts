import "server-only";
import { and, eq } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { auditCheckpoints, auditEvents } from "@/db/schema";
import { now } from "@/lib/clock";
import { PLATFORM_CHAIN } from "./canonical";
import { checkpointMac } from "./checkpoint";
import { recordAudit } from "./record";
import { verifyChains } from "./verify";

export class AuditChainBrokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditChainBrokenError";
  }
}

export type PruneResult = { chains: { chain: string; upToSeq: number; deleted: number }[] };

/**
 * Retention: removes the events recorded before `before`, chain by chain, each in one transaction:
 * lock the chain head (writers wait), find the last seq S such that every event up to S is older
 * than `before`, write a signed checkpoint (S and the hash at S), delete up to S with the
 * transaction-local flag the append-only trigger accepts, and record `audit.pruned` in the chain.
 * The remaining chain verifies from the checkpoint.
 */
export async function pruneAudit(db: Database, opts: { before: Date; chains?: string[] }): Promise<PruneResult> {
  const beforeIso = opts.before.toISOString();
  const chains =
    opts.chains ??
    rowsOf<{ chain: string }>(await db.execute(sql`select distinct chain from audit_events where created_at < ${beforeIso}::timestamptz order by chain`)).map((r) => r.chain);
  const result: PruneResult = { chains: [] };
  for (const chain of chains) {
    // A checkpoint vouches for everything before it: signing over a chain that does not verify would
    // launder an edit and delete its evidence. Such a chain is never pruned.
    const check = await verifyChains(db, { chains: [chain] });
    if (!check.ok) {
      const broken = check.chains[0]!.firstBroken!;
      throw new AuditChainBrokenError(`The audit chain ${chain} does not verify (seq ${broken.seq}: ${broken.problem}); it was not pruned.`);
    }
    const pruned = await db.transaction(async (tx) => {
      await tx.execute(sql`select seq from audit_chain_heads where chain = ${chain} for update`);
      const [bounds] = rowsOf<{ first_kept: number | string | null; last: number | string | null }>(
        await tx.execute(sql`
          select (select min(seq) from audit_events where chain = ${chain} and created_at >= ${beforeIso}::timestamptz) as first_kept,
                 (select max(seq) from audit_events where chain = ${chain}) as last`),
      );
      if (bounds?.last == null) return null;
      const upToSeq = bounds.first_kept == null ? Number(bounds.last) : Number(bounds.first_kept) - 1;
      const [at] = await tx
        .select({ hash: auditEvents.hash })
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, chain), eq(auditEvents.seq, upToSeq)));
      if (!at) return null; // nothing older than `before` left (already pruned)
      const createdAt = now();
      await tx.insert(auditCheckpoints).values({ chain, upToSeq, hash: at.hash, createdAt, mac: checkpointMac({ chain, upToSeq, hash: at.hash, createdAt }) });
      await tx.execute(sql`select set_config('chargekeep.audit_prune', 'on', true)`);
      const deleted = rowsOf<{ n: number | string }>(
        await tx.execute(sql`with d as (delete from audit_events where chain = ${chain} and seq <= ${upToSeq} returning 1) select count(*) as n from d`),
      );
      await tx.execute(sql`select set_config('chargekeep.audit_prune', 'off', true)`);
      const count = Number(deleted[0]?.n ?? 0);
      await recordAudit(tx as unknown as Database, {
        organizationId: chain === PLATFORM_CHAIN ? null : chain,
        actorUserId: null,
        action: "audit.pruned",
        result: "success",
        targetType: "audit_chain",
        targetId: chain,
        metadata: { upToSeq, deleted: count, before: beforeIso },
      });
      return { chain, upToSeq, deleted: count };
    });
    if (pruned) result.chains.push(pruned);
  }
  return result;
}

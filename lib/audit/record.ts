import "server-only";
import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { rowsOf, type Database } from "@/db";
import { onAuditRecorded } from "./listeners";
import { now } from "@/lib/clock";
import { AuditKeyUnknownError, currentAuditKeyId, hasAuditKey } from "@/lib/crypto";
import { chainOf, eventMac, GENESIS_HASH, type AuditMetadata } from "./canonical";
import { isAuditAction, type AuditAction } from "./catalogue";
import { sanitizeMetadata } from "./metadata";

export type AuditResult = "success" | "failure" | "denied";
const RESULTS: readonly string[] = ["success", "failure", "denied"];

export type AuditEventInput = {
  /** null = the platform chain (no organization, e.g. a failed sign-in for an unknown address). */
  organizationId: string | null;
  actorUserId: string | null;
  action: AuditAction;
  result: AuditResult;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  metadata?: AuditMetadata;
};

export type StoredAuditEvent = AuditEventInput & { id: string; seq: number; createdAt: Date; hash: string; macKeyId: number };

const clip = (v: string | null | undefined, max: number) => (v == null ? null : v.slice(0, max));

/**
 * Appends one event to its chain (the organization's, or the platform's).
 *
 * Given a transaction, the event is written in it: it commits or rolls back with the change it
 * describes, and the chain head's row lock (taken by the upsert below) is held until then, so
 * writers of one chain queue up and never fork it. Given the root database, it joins the chain's
 * group commit (below). Afterwards the subscribers (the alert rules) see the event (`onAuditRecorded`); an alert
 * failure is logged and never fails the audited change.
 */
export async function recordAudit(db: Database, event: AuditEventInput): Promise<StoredAuditEvent> {
  if (!isAuditAction(event.action)) throw new Error(`recordAudit: "${String(event.action)}" is not in the audit catalogue (lib/audit/catalogue.ts)`);
  if (!RESULTS.includes(event.result)) throw new Error(`recordAudit: result must be success, failure or denied`);
  const metadata = sanitizeMetadata(event.action, event.metadata);

  if (isTransaction(db)) {
    const [stored] = await appendEvents(db, chainOf(event.organizationId), [{ event, metadata }]);
    try {
      // A savepoint: a failed statement in the alert code must not abort the caller's transaction.
      await db.transaction(async (sp) => onAuditRecorded(sp as unknown as Database, stored!));
    } catch (e) {
      logAlertFailure(stored!, e);
    }
    return stored!;
  }
  const stored = await enqueue(db, { event, metadata });
  try {
    await onAuditRecorded(db, stored);
  } catch (e) {
    logAlertFailure(stored, e);
  }
  return stored;
}

/** A transaction (not the root database): the event joins it instead of opening its own. */
function isTransaction(db: Database): boolean {
  return (db as unknown) instanceof PgTransaction;
}

function logAlertFailure(stored: StoredAuditEvent, e: unknown): void {
  console.error(`[audit] alert evaluation failed for ${stored.action} ${stored.id}: ${e instanceof Error ? e.message : String(e)}`);
}

type Item = { event: AuditEventInput; metadata: AuditMetadata };
type Waiting = Item & { resolve: (e: StoredAuditEvent) => void; reject: (e: unknown) => void };
type ChainQueue = { waiting: Waiting[]; draining: boolean };

/** Per database handle, per chain: events waiting for the chain's next commit. */
const queues = new WeakMap<object, Map<string, ChainQueue>>();
const MAX_BATCH = 500;

/**
 * Group commit. A chain's events are appended one transaction at a time (the head's row lock
 * would serialise them anyway); whatever arrived while a commit was in flight goes into the next
 * one together: one head lock, one multi-row insert and one commit for the lot. A lone writer
 * waits for nothing; many writers share round trips instead of queueing on the lock one by one.
 * Every caller still gets its own stored event, and a failed commit fails every event in it.
 */
function enqueue(db: Database, item: Item): Promise<StoredAuditEvent> {
  const chain = chainOf(item.event.organizationId);
  let byChain = queues.get(db);
  if (!byChain) queues.set(db, (byChain = new Map()));
  let queue = byChain.get(chain);
  if (!queue) byChain.set(chain, (queue = { waiting: [], draining: false }));
  const q = queue;
  const done = new Promise<StoredAuditEvent>((resolve, reject) => q.waiting.push({ ...item, resolve, reject }));
  if (!q.draining) void drain(db, chain, q, byChain);
  return done;
}

async function drain(db: Database, chain: string, q: ChainQueue, byChain: Map<string, ChainQueue>): Promise<void> {
  q.draining = true;
  try {
    while (q.waiting.length) {
      const batch = q.waiting.splice(0, MAX_BATCH);
      try {
        const stored = await appendUnlocked(db, chain, batch);
        batch.forEach((w, i) => w.resolve(stored[i]!));
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  } finally {
    q.draining = false;
    byChain.delete(chain);
  }
}

type Head = { seq: number; hash: string; keyId: number | null };
/** Per database handle, per chain: the head this process last wrote (a guess: checked on every write). */
const knownHeads = new WeakMap<object, Map<string, Head>>();
const CAS_ATTEMPTS = 5;

/**
 * Appends a batch outside any caller transaction in ONE statement (one round trip, one commit):
 * it moves the chain head from the head this process last saw to the batch's last event, and
 * inserts the events only if that move happened (compare-and-set). Another writer (another
 * server, or a transaction in this one) that moved the head first makes it insert nothing: the
 * head is read again and the hashes recomputed. So the chain cannot fork, whoever writes.
 */
async function appendUnlocked(db: Database, chain: string, items: Item[]): Promise<StoredAuditEvent[]> {
  let byChain = knownHeads.get(db);
  if (!byChain) knownHeads.set(db, (byChain = new Map()));
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const head = byChain.get(chain) ?? (await readHead(db, chain));
    const built = buildEvents(chain, head, items);
    const inserted = rowsOf<{ one: number }>(
      await db.execute(sql`
        with moved as (
          update audit_chain_heads set seq = ${head.seq + items.length}, hash = ${built.lastHash}, mac_key_id = ${built.keyId}
          where chain = ${chain} and seq = ${head.seq} and hash = ${head.hash}
          returning 1
        )
        insert into audit_events (${COLUMNS})
        select * from (values ${sql.join(built.rows, sql`, `)}) as v
        where exists (select 1 from moved)
        returning 1 as one`),
    );
    if (inserted.length === items.length) {
      byChain.set(chain, { seq: head.seq + items.length, hash: built.lastHash, keyId: built.keyId });
      return built.stored;
    }
    byChain.delete(chain); // someone else moved the head: read it again
  }
  // Heavy contention from other writers: queue on the head's row lock instead.
  return db.transaction(async (tx) => appendEvents(tx as unknown as Database, chain, items));
}

async function readHead(db: Database, chain: string): Promise<Head> {
  await db.execute(sql`insert into audit_chain_heads (chain, seq, hash) values (${chain}, 0, ${GENESIS_HASH}) on conflict (chain) do nothing`);
  const [head] = rowsOf<{ seq: number | string; hash: string; mac_key_id: number | null }>(
    await db.execute(sql`select seq, hash, mac_key_id from audit_chain_heads where chain = ${chain}`),
  );
  return { seq: Number(head!.seq), hash: head!.hash, keyId: head!.mac_key_id };
}

const COLUMNS = sql.raw(
  "id, chain, seq, created_at, actor_user_id, organization_id, action, result, target_type, target_id, ip, user_agent, request_id, metadata, prev_hash, hash, mac_key_id",
);

/**
 * The audit key for events after `head`: the keyring's current one, but never older than the
 * key of the chain's last event (verification refuses a chain whose key ids go backwards: that
 * is how a leaked, rotated-out key is kept from signing new events). A server that has not yet
 * loaded a newer key another server already used fails the write rather than going back.
 */
function signingKeyId(head: Head): number {
  const current = currentAuditKeyId();
  if (head.keyId === null || head.keyId <= current) return current;
  if (hasAuditKey(head.keyId)) return head.keyId;
  throw new AuditKeyUnknownError(head.keyId);
}

/** The events of a batch after `head`: their seqs, MACs (each chained to the one before) and SQL rows. */
function buildEvents(chain: string, head: Head, items: Item[]): { stored: StoredAuditEvent[]; rows: SQL[]; lastHash: string; keyId: number } {
  const keyId = signingKeyId(head);
  let seq = head.seq;
  let prevHash = head.hash;
  const stored: StoredAuditEvent[] = [];
  const rows: SQL[] = [];
  for (const { event, metadata } of items) {
    seq++;
    const fields = {
      id: randomUUID(),
      chain,
      seq,
      createdAt: now(),
      organizationId: event.organizationId,
      actorUserId: event.actorUserId,
      action: event.action,
      result: event.result,
      targetType: clip(event.targetType, 64),
      targetId: clip(event.targetId, 256),
      ip: clip(event.ip, 64),
      userAgent: clip(event.userAgent, 512),
      requestId: clip(event.requestId, 128),
      metadata,
    };
    const hash = eventMac(keyId, prevHash, fields);
    rows.push(sql`(${fields.id}::uuid, ${chain}::text, ${seq}::bigint, ${fields.createdAt.toISOString()}::timestamptz, ${fields.actorUserId}::uuid,
        ${fields.organizationId}::uuid, ${fields.action}::text, ${fields.result}::text, ${fields.targetType}::text, ${fields.targetId}::text,
        ${fields.ip}::text, ${fields.userAgent}::text, ${fields.requestId}::text, ${JSON.stringify(metadata)}::jsonb, ${prevHash}::text, ${hash}::text, ${keyId}::integer)`);
    stored.push({
      id: fields.id,
      seq,
      createdAt: fields.createdAt,
      hash,
      macKeyId: keyId,
      organizationId: fields.organizationId,
      actorUserId: fields.actorUserId,
      action: event.action,
      result: event.result,
      ...(fields.targetType !== null ? { targetType: fields.targetType } : {}),
      ...(fields.targetId !== null ? { targetId: fields.targetId } : {}),
      ip: fields.ip,
      userAgent: fields.userAgent,
      requestId: fields.requestId,
      metadata,
    });
    prevHash = hash;
  }
  return { stored, rows, lastHash: prevHash, keyId };
}

/** Inside a caller's transaction: the head's row lock is taken and held until that transaction ends. */
async function appendEvents(tx: Database, chain: string, items: Item[]): Promise<StoredAuditEvent[]> {
  const n = items.length;
  // Reserves seqs (last - n + 1 .. last) and takes (or creates) the chain head's row lock.
  const [head] = rowsOf<{ seq: number | string; hash: string; mac_key_id: number | null }>(
    await tx.execute(sql`
      insert into audit_chain_heads (chain, seq, hash) values (${chain}, ${n}, ${GENESIS_HASH})
      on conflict (chain) do update set seq = audit_chain_heads.seq + ${n}
      returning seq, hash, mac_key_id`),
  );
  const built = buildEvents(chain, { seq: Number(head!.seq) - n, hash: head!.hash, keyId: head!.mac_key_id }, items);
  await tx.execute(sql`
    with inserted as (
      insert into audit_events (${COLUMNS})
      values ${sql.join(built.rows, sql`, `)}
      returning 1
    )
    update audit_chain_heads set hash = ${built.lastHash}, mac_key_id = ${built.keyId} where chain = ${chain} and (select count(*) from inserted) = ${n}`);
  return built.stored;
}

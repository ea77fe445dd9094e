import "server-only";
import { randomUUID } from "node:crypto";
import { desc, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { auditAnchors } from "@/db/schema";
import { now } from "@/lib/clock";
import { currentAuditKeyId, sha256Hex } from "@/lib/crypto";
import { env } from "@/lib/env";
import { openStore, type ObjectStore } from "@/lib/storage";
import { chainState } from "./anchor-check";
import { anchorRecord, ANCHOR_FORMAT, parseAnchor, signAnchor, type AnchorBreak, type AnchorHead, type AnchorReason, type AuditAnchor } from "./anchor-format";
import { putAnchor, readLatest, type StoreWrite } from "./anchor-store";
import { notifyAnchor } from "./listeners";
import { PLATFORM_CHAIN } from "./canonical";

export type WriteAnchorOptions = {
  reason: AnchorReason;
  /** Default: every BACKUP_TARGETS location. */
  stores?: ObjectStore[];
  /** Skip when no chain head moved since the newest anchor (the schedule). */
  onlyIfChanged?: boolean;
  /** Queue each changed organization chain's line to its audit webhooks (default: on for the schedule). */
  webhooks?: boolean;
  /** An operator's reason for accepting the recorded breaks (a restore done on purpose): they move to `acknowledged`. */
  acknowledge?: string;
};

export type AnchorWrite =
  | { written: false; why: "unchanged" | "empty" }
  | { written: true; anchor: AuditAnchor; key: string; stored: StoreWrite[]; webhookRecords: number; newBreaks: AnchorBreak[] };

/** The anchor stores: the backup targets (BACKUP_TARGETS), each under audit-anchors/. */
export function anchorStores(value: string = env().BACKUP_TARGETS): ObjectStore[] {
  return [...new Set(value.split(",").map((s) => s.trim()).filter(Boolean))].map((l) => openStore(l));
}

/** Every chain head with events, and the time of its last event: what an anchor lists. */
export async function anchorHeads(db: Database): Promise<AnchorHead[]> {
  const rows = rowsOf<{ chain: string; seq: number | string; hash: string; created_at: string | Date | null }>(
    await db.execute(sql`
      select h.chain, h.seq, h.hash, e.created_at
      from audit_chain_heads h left join audit_events e on e.chain = h.chain and e.seq = h.seq
      where h.seq > 0
      order by h.chain`),
  );
  return rows.map((r) => ({ chain: r.chain, seq: Number(r.seq), mac: r.hash, at: r.created_at === null ? null : new Date(r.created_at).toISOString() }));
}

/** What "nothing changed" compares: the chains, seqs and MACs (not the times). */
export const headsDigest = (heads: AnchorHead[]) => sha256Hex(JSON.stringify(heads.map((h) => [h.chain, h.seq, h.mac])));

/**
 * The genuine anchors this database should continue from, newest first: the stores' latest copies
 * (outside the database: a rolled-back database cannot roll them back) and the newest row of
 * audit_anchors (what is left when no store answers). Only anchors whose MAC verifies count.
 */
async function previousAnchors(db: Database, stores: ObjectStore[]): Promise<AuditAnchor[]> {
  const [row] = await db.select().from(auditAnchors).orderBy(desc(auditAnchors.createdAt)).limit(1);
  const byId = new Map<string, AuditAnchor>();
  for (const text of [...(await readLatest(stores)), row?.body ?? null]) {
    const parsed = text === null ? null : parseAnchor(text);
    if (parsed?.ok) byId.set(parsed.anchor.id, parsed.anchor);
  }
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Where the database no longer extends `previous`: a chain gone, behind it, or different at its seq. */
async function breaksSince(db: Database, previous: AuditAnchor, heads: AnchorHead[], detectedAt: string): Promise<AnchorBreak[]> {
  const current = new Map(heads.map((h) => [h.chain, h]));
  const breaks: AnchorBreak[] = [];
  for (const p of previous.heads) {
    const c = current.get(p.chain);
    const brk = (foundSeq: number) => breaks.push({ chain: p.chain, seq: p.seq, mac: p.mac, anchoredAt: previous.createdAt, foundSeq, detectedAt });
    if (!c || c.seq < p.seq) brk(c?.seq ?? 0);
    else if (c.seq === p.seq) {
      if (c.mac !== p.mac) brk(c.seq);
    } else {
      const s = await chainState(db, p.chain, p.seq);
      if (s.at !== null && s.at !== p.mac) brk(c.seq); // null: pruned below a checkpoint since
    }
  }
  return breaks;
}

/**
 * Writes a signed anchor of every chain head to every anchor store (and records it in
 * audit_anchors). A plain function of the database, so any scheduler can call it: the in-process
 * timer (every AUDIT_ANCHOR_INTERVAL_SECONDS, only if something changed), every backup, or a job
 * queue later. It continues from the newest genuine anchor: if the database went back since (see
 * AnchorBreak), the break is recorded in this and every later anchor and a critical alert opens.
 * Writing an anchor records no audit event (that would move a head and call for another anchor).
 * A store that fails is reported; when every store fails, an alert opens.
 */
export async function writeAuditAnchor(db: Database, opts: WriteAnchorOptions): Promise<AnchorWrite> {
  const stores = opts.stores ?? anchorStores();
  const heads = await anchorHeads(db);
  const digest = headsDigest(heads);
  const candidates = await previousAnchors(db, stores);
  const previous = candidates[0] ?? null;
  // Unchanged only if every copy agrees: a store that missed the last anchor gets a fresh one.
  if (opts.onlyIfChanged && !opts.acknowledge && previous && candidates.every((c) => headsDigest(c.heads) === digest)) return { written: false, why: "unchanged" };
  if (opts.onlyIfChanged && !previous && heads.length === 0) return { written: false, why: "empty" };

  const createdAt = now().toISOString();
  const breakKey = (b: AnchorBreak) => `${b.chain}|${b.seq}`;
  // Carried: every break any copy recorded. New: where the database no longer extends any copy
  // (the database's own row may be a rolled-back one; the stores' copies are not).
  let acknowledged = uniqueBy(candidates.flatMap((c) => c.acknowledged), (k) => `${breakKey(k)}|${k.acknowledgedAt}`);
  const settled = new Set([...acknowledged.map(breakKey)]);
  const carried = uniqueBy(candidates.flatMap((c) => c.breaks), breakKey).filter((b) => !settled.has(breakKey(b)));
  const found: AnchorBreak[] = [];
  for (const c of candidates) found.push(...(await breaksSince(db, c, heads, createdAt)));
  const known = new Set([...settled, ...carried.map(breakKey)]);
  const newBreaks = uniqueBy(found, breakKey).filter((b) => !known.has(breakKey(b)));
  let breaks = [...carried, ...newBreaks];
  if (opts.acknowledge) {
    acknowledged = [...acknowledged, ...breaks.map((b) => ({ ...b, acknowledgedAt: createdAt, reason: opts.acknowledge!.slice(0, 500) }))];
    breaks = [];
  }
  const anchor = signAnchor({
    format: ANCHOR_FORMAT,
    id: randomUUID(),
    createdAt,
    reason: opts.reason,
    keyId: currentAuditKeyId(),
    heads,
    previous: previous ? { id: previous.id, mac: previous.mac } : null,
    breaks,
    acknowledged,
  });
  const { key, stored } = await putAnchor(stores, anchor);
  await db.insert(auditAnchors).values({ id: anchor.id, createdAt: new Date(anchor.createdAt), reason: anchor.reason, keyId: anchor.keyId, headsDigest: digest, body: JSON.stringify(anchor), stored });

  let webhookRecords = 0;
  if (opts.webhooks ?? opts.reason === "schedule") {
    const before = new Map((previous?.heads ?? []).map((h) => [h.chain, `${h.seq}|${h.mac}`]));
    const changed = heads.filter((h) => h.chain !== PLATFORM_CHAIN && before.get(h.chain) !== `${h.seq}|${h.mac}`);
    webhookRecords = await notifyAnchor(db, { kind: "records", items: changed.map((h) => ({ organizationId: h.chain, record: anchorRecord(anchor, h) })) });
  }
  if (newBreaks.length) await alertBreaks(db, newBreaks);
  if (stored.length > 0 && stored.every((s) => !s.ok)) await alertAnchorFailure(db, stored);
  return { written: true, anchor, key, stored, webhookRecords, newBreaks };
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => !seen.has(key(t)) && seen.add(key(t)));
}

const logAlertError = (e: unknown) => console.error(`[audit] could not raise the anchor alert: ${e instanceof Error ? e.message : String(e)}`);

async function alertBreaks(db: Database, breaks: AnchorBreak[]): Promise<void> {
  const chains = breaks.map((b) => `${b.chain} (seq ${b.seq} anchored at ${b.anchoredAt}, now ${b.foundSeq})`).join("; ");
  await notifyAnchor(db, {
    kind: "alert",
    rule: "audit.rollback_detected",
    severity: "critical",
    title: "The audit log went back behind its anchor",
    detail: `Audit events an earlier anchor recorded are gone or different: ${chains}. Events were deleted or an older copy of the database was restored. Run npm run audit:verify.`.slice(0, 2000),
    dedupeKey: "audit:rollback_detected",
  }).catch(logAlertError);
}

async function alertAnchorFailure(db: Database, stored: StoreWrite[]): Promise<void> {
  await notifyAnchor(db, {
    kind: "alert",
    rule: "audit.anchor_failed",
    severity: "high",
    title: "Audit anchors cannot be written",
    detail: `No anchor store accepted the audit log's anchor: ${stored.map((s) => `${s.location}: ${s.error}`).join("; ")}. Until one does, only the database vouches for the newest audit events.`,
    dedupeKey: "audit:anchor_failed",
  }).catch(logAlertError);
}

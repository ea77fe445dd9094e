import "server-only";
import { z } from "zod";
import { auditMac, checkAuditMac } from "@/lib/crypto";

/**
 * An anchor: every chain head (chain, seq, MAC, time of that event) at one moment, MAC'd with
 * the audit key named in it (its "anchor" subkey). Written outside the database (the anchor
 * stores, the SIEM stream), so the database alone can no longer be rewritten, cut short or
 * swapped for an older copy without disagreeing with it.
 *
 * Anchors are continuous: each names the newest genuine anchor before it (`previous`), and when
 * the database no longer extends that one (a chain gone, behind, or different at the anchored
 * seq: events deleted or an older copy restored), the break is recorded and carried in every
 * later anchor, so the next anchor can never bless the rolled-back state. An operator who
 * restored on purpose moves the breaks to `acknowledged` (npm run audit:anchor -- --acknowledge).
 */
export const ANCHOR_FORMAT = "ck-audit-anchor-v1";
export type AnchorReason = "schedule" | "backup" | "manual";
export type AnchorHead = { chain: string; seq: number; mac: string; at: string | null };
/** The database found behind an earlier anchor: `chain` had reached `seq` (MAC `mac`) by `anchoredAt`, but at `detectedAt` only `foundSeq` (or something else at `seq`). */
export type AnchorBreak = { chain: string; seq: number; mac: string; anchoredAt: string; foundSeq: number; detectedAt: string };
export type AnchorAck = AnchorBreak & { acknowledgedAt: string; reason: string };
export type AuditAnchor = {
  format: typeof ANCHOR_FORMAT;
  id: string;
  createdAt: string;
  reason: AnchorReason;
  keyId: number;
  heads: AnchorHead[];
  previous: { id: string; mac: string } | null;
  breaks: AnchorBreak[];
  acknowledged: AnchorAck[];
  mac: string;
};

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const chain = z.string().min(1).max(64);
const breakShape = { chain, seq: z.number().int().positive(), mac: hex64, anchoredAt: z.iso.datetime(), foundSeq: z.number().int().min(0), detectedAt: z.iso.datetime() };
const anchorSchema = z
  .object({
    format: z.literal(ANCHOR_FORMAT),
    id: z.uuid(),
    createdAt: z.iso.datetime(),
    reason: z.enum(["schedule", "backup", "manual"]),
    keyId: z.number().int().positive(),
    heads: z.array(z.object({ chain, seq: z.number().int().positive(), mac: hex64, at: z.iso.datetime().nullable() }).strict()),
    previous: z.object({ id: z.uuid(), mac: hex64 }).strict().nullable(),
    breaks: z.array(z.object(breakShape).strict()),
    acknowledged: z.array(z.object({ ...breakShape, acknowledgedAt: z.iso.datetime(), reason: z.string().max(500) }).strict()),
    mac: hex64,
  })
  .strict();

const breakFields = (b: AnchorBreak) => [b.chain, b.seq, b.mac, b.anchoredAt, b.foundSeq, b.detectedAt];

/** Fixed order, nothing optional: the same bytes whoever serialises it. */
function anchorMessage(a: Omit<AuditAnchor, "mac">): string {
  return JSON.stringify([
    a.format,
    a.id,
    a.createdAt,
    a.reason,
    a.keyId,
    a.heads.map((h) => [h.chain, h.seq, h.mac, h.at]),
    a.previous ? [a.previous.id, a.previous.mac] : null,
    a.breaks.map(breakFields),
    a.acknowledged.map((k) => [...breakFields(k), k.acknowledgedAt, k.reason]),
  ]);
}

export function signAnchor(unsigned: Omit<AuditAnchor, "mac">): AuditAnchor {
  return { ...unsigned, mac: auditMac(unsigned.keyId, "anchor", anchorMessage(unsigned)) };
}

export type ParsedAnchor = { ok: true; anchor: AuditAnchor } | { ok: false; problem: string };

/** Reads and checks one anchor document; anything unreadable, unsigned or mis-signed is a forgery. */
export function parseAnchor(text: string): ParsedAnchor {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: "not an anchor document (unreadable JSON)" };
  }
  const parsed = anchorSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: "not an anchor document (unexpected fields or format)" };
  const anchor = parsed.data as AuditAnchor;
  const check = checkAuditMac(anchor.keyId, "anchor", anchorMessage(anchor), anchor.mac);
  if (check === "unknown_key") return { ok: false, problem: `signed with audit key ${anchor.keyId}, which this keyring does not hold` };
  if (check === "mismatch") return { ok: false, problem: "its MAC does not match its contents" };
  return { ok: true, anchor };
}

/**
 * One chain's line of an anchor, MAC'd on its own (subkey "anchor-entry"), for the SIEM stream: an
 * organization's receiver gets its own chain's head only, never the other tenants', and we can
 * still check later that the record came from us.
 */
export type AnchorRecord = { anchorId: string; anchoredAt: string; keyId: number; chain: string; seq: number; mac: string; at: string | null; recordMac: string };

export function anchorRecord(anchor: AuditAnchor, head: AnchorHead): AnchorRecord {
  const fields = { anchorId: anchor.id, anchoredAt: anchor.createdAt, keyId: anchor.keyId, chain: head.chain, seq: head.seq, mac: head.mac, at: head.at };
  return { ...fields, recordMac: auditMac(anchor.keyId, "anchor-entry", recordMessage(fields)) };
}

export function anchorRecordValid(r: AnchorRecord): boolean {
  return checkAuditMac(r.keyId, "anchor-entry", recordMessage(r), r.recordMac) === "ok";
}

function recordMessage(r: Omit<AnchorRecord, "recordMac">): string {
  return JSON.stringify(["ck-audit-anchor-record-v1", r.anchorId, r.anchoredAt, r.keyId, r.chain, r.seq, r.mac, r.at]);
}

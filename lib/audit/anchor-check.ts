import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import type { ObjectStore } from "@/lib/storage";
import { parseAnchor, type AnchorHead, type AuditAnchor } from "./anchor-format";
import { listAnchors, readAnchorText } from "./anchor-store";

export type AnchorFinding = { chain: string; kind: "missing" | "behind" | "diverged" | "went_back"; anchoredSeq: number; dbSeq: number; line: string };
export type ForgedAnchor = { location: string; key: string; problem: string };
export type UsedAnchor = { location: string; key: string; createdAt: string; reason: string; chains: number };
export type AnchorCheck = {
  /** ok: the database agrees with the newest genuine anchor; mismatch: it does not, or a forged anchor was found. */
  status: "ok" | "mismatch" | "unreachable" | "none";
  stores: { location: string; reachable: boolean; anchors: number; error?: string }[];
  anchor: UsedAnchor | null;
  forged: ForgedAnchor[];
  unreadable: { location: string; key: string; error: string }[];
  findings: AnchorFinding[];
  /** What the findings add up to: the whole database went back in time, some chains were cut or rewritten, or an earlier anchor run found that (and later anchors carried it on). */
  verdict: "rolled_back" | "deleted_or_rewritten" | "went_back_earlier" | null;
  /** Breaks an operator accepted (a restore done on purpose), with their reason: reported, not failures. */
  acknowledged: { chain: string; seq: number; foundSeq: number; anchoredAt: string; acknowledgedAt: string; reason: string }[];
  /** For a rollback: the newest older anchor the database still agrees with (it dates from after it). */
  matchesOlder: { key: string; createdAt: string } | null;
  /** One plain-language line per finding, and the verdict. */
  lines: string[];
};

type Candidate = { key: string; locations: { location: string; store: ObjectStore }[] };

/**
 * Checks the database against the newest genuine anchor in the anchor stores: every chain it lists
 * must still be there, reach its seq, and hold the same MAC at that seq. So deleting the newest
 * events (head and all), cutting a chain short, rewriting it, or restoring an older copy of the
 * database is caught, which the database alone cannot show. Anchors that do not verify are
 * reported as forged and never used as evidence.
 */
export async function checkAgainstAnchors(db: Database, stores: ObjectStore[], opts: { chains?: string[]; maxOlder?: number } = {}): Promise<AnchorCheck> {
  const listings = await listAnchors(stores);
  const check: AnchorCheck = {
    status: "ok",
    stores: listings.map((l) => ({ location: l.location, reachable: l.reachable, anchors: l.keys.length, ...(l.error ? { error: l.error } : {}) })),
    anchor: null,
    forged: [],
    unreadable: [],
    findings: [],
    verdict: null,
    acknowledged: [],
    matchesOlder: null,
    lines: [],
  };
  if (!listings.some((l) => l.reachable)) return { ...check, status: "unreachable" };

  const candidates = newestFirst(listings, stores);
  let index = 0;
  let newest: { anchor: AuditAnchor; used: UsedAnchor } | null = null;
  for (; index < candidates.length && !newest; index++) newest = await readGenuine(candidates[index]!, check);
  if (!newest) return { ...check, status: check.forged.length ? "mismatch" : "none" };
  check.anchor = newest.used;

  const only = opts.chains?.length ? new Set(opts.chains) : null; // none named: every chain
  const heads = newest.anchor.heads.filter((h) => !only || only.has(h.chain));
  check.findings = await compare(db, newest.anchor, heads);
  check.acknowledged = newest.anchor.acknowledged.filter((k) => !only || only.has(k.chain));
  const earlier = newest.anchor.breaks.filter((b) => !only || only.has(b.chain));
  if (!check.findings.length && earlier.length) check.verdict = "went_back_earlier";
  for (const b of earlier) {
    const what = b.foundSeq >= b.seq ? `a different event at seq ${b.seq}` : `seq ${b.foundSeq} where the anchor of ${b.anchoredAt} had seq ${b.seq}`;
    check.findings.push({
      chain: b.chain,
      kind: "went_back",
      anchoredSeq: b.seq,
      dbSeq: b.foundSeq,
      line: `${b.chain}: at ${b.detectedAt} the anchor writer found ${what}: events were deleted or an older copy of the database was restored then (every anchor since carries this)`,
    });
  }
  if (check.findings.length && !check.verdict) {
    const rolledBack = !(await anyChainAhead(db, newest.anchor, only));
    check.verdict = rolledBack ? "rolled_back" : "deleted_or_rewritten";
    if (rolledBack) {
      // Which older anchor does the database still agree with? It was copied after that one.
      for (let seen = 0; index < candidates.length && seen < (opts.maxOlder ?? 50); index++) {
        const older = await readGenuine(candidates[index]!, check);
        if (!older) continue;
        seen++;
        if ((await compare(db, older.anchor, older.anchor.heads.filter((h) => !only || only.has(h.chain)))).length === 0) {
          check.matchesOlder = { key: older.used.key, createdAt: older.anchor.createdAt };
          break;
        }
      }
    }
  }
  check.lines = [...check.findings.map((f) => f.line), ...verdictLines(check, newest.anchor)];
  check.status = check.findings.length || check.forged.length ? "mismatch" : "ok";
  return check;
}

/** Every anchor name across the stores, newest first, with the stores holding a copy. */
function newestFirst(listings: Awaited<ReturnType<typeof listAnchors>>, stores: ObjectStore[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  listings.forEach((l, i) => {
    for (const key of l.keys) {
      const c = byKey.get(key) ?? { key, locations: [] };
      c.locations.push({ location: l.location, store: stores[i]! });
      byKey.set(key, c);
    }
  });
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
}

/** The first copy of this anchor that verifies; every copy that does not is recorded as forged. */
async function readGenuine(c: Candidate, check: AnchorCheck): Promise<{ anchor: AuditAnchor; used: UsedAnchor } | null> {
  for (const { location, store } of c.locations) {
    let text: string;
    try {
      text = await readAnchorText(store, c.key);
    } catch (e) {
      check.unreadable.push({ location, key: c.key, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const parsed = parseAnchor(text);
    if (!parsed.ok) {
      check.forged.push({ location, key: c.key, problem: parsed.problem });
      continue;
    }
    const a = parsed.anchor;
    return { anchor: a, used: { location, key: c.key, createdAt: a.createdAt, reason: a.reason, chains: a.heads.length } };
  }
  return null;
}

type ChainState = { lastSeq: number; at: string | null };

/** A chain's last seq in the database (events or checkpoint) and its MAC at `seq` (null: pruned or absent). */
export async function chainState(db: Database, chain: string, seq: number): Promise<ChainState> {
  const [row] = rowsOf<{ last_seq: number | string | null; at_hash: string | null; cp_seq: number | string | null; cp_hash: string | null }>(
    await db.execute(sql`
      select (select max(seq) from audit_events where chain = ${chain}) as last_seq,
             (select hash from audit_events where chain = ${chain} and seq = ${seq}) as at_hash,
             (select max(up_to_seq) from audit_checkpoints where chain = ${chain}) as cp_seq,
             (select hash from audit_checkpoints where chain = ${chain} and up_to_seq = ${seq}) as cp_hash`),
  );
  return { lastSeq: Math.max(Number(row?.last_seq ?? 0), Number(row?.cp_seq ?? 0)), at: row?.at_hash ?? row?.cp_hash ?? null };
}

async function compare(db: Database, anchor: AuditAnchor, heads: AnchorHead[]): Promise<AnchorFinding[]> {
  const when = `the anchor of ${anchor.createdAt}`;
  const findings: AnchorFinding[] = [];
  for (const h of heads) {
    const s = await chainState(db, h.chain, h.seq);
    const base = { chain: h.chain, anchoredSeq: h.seq, dbSeq: s.lastSeq };
    if (s.lastSeq === 0) {
      findings.push({ ...base, kind: "missing", line: `${h.chain}: the chain is gone from the database, but ${when} recorded it up to seq ${h.seq}` });
    } else if (s.lastSeq < h.seq) {
      const gone = s.lastSeq + 1 === h.seq ? `event ${h.seq} is` : `events ${s.lastSeq + 1}-${h.seq} are`;
      findings.push({ ...base, kind: "behind", line: `${h.chain}: the database ends at seq ${s.lastSeq}, but ${when} recorded seq ${h.seq}: ${gone} gone` });
    } else if (s.at !== null && s.at !== h.mac) {
      const also = s.lastSeq > h.seq ? " (or the database was rolled back and new events took the old numbers)" : "";
      findings.push({ ...base, kind: "diverged", line: `${h.chain}: the event at seq ${h.seq} is not the one ${when} recorded: the chain was rewritten up to there${also}` });
    }
    // s.at === null: pruned below its checkpoint since the anchor; nothing left to compare.
  }
  return findings;
}

/** Has any chain moved past the anchor (or appeared since)? A restored older copy has none. */
async function anyChainAhead(db: Database, anchor: AuditAnchor, only: Set<string> | null): Promise<boolean> {
  const anchored = new Map(anchor.heads.map((h) => [h.chain, h.seq]));
  const rows = rowsOf<{ chain: string; seq: number | string }>(await db.execute(sql`select chain, seq from audit_chain_heads where seq > 0`));
  return rows.some((r) => (!only || only.has(r.chain)) && Number(r.seq) > (anchored.get(r.chain) ?? 0));
}

function verdictLines(check: AnchorCheck, anchor: AuditAnchor): string[] {
  const n = check.findings.length;
  if (check.verdict === "rolled_back") {
    const since = check.matchesOlder ? ` It still agrees with the older anchor of ${check.matchesOlder.createdAt}, so it is a copy from between then and ${anchor.createdAt}.` : "";
    return [
      `The database looks like an older copy (restored from an earlier backup or snapshot?): no chain has moved past the anchor of ${anchor.createdAt}, and ${n} chain(s) are behind it or differ.${since} Audit events recorded after the copy was taken are missing from this database.`,
    ];
  }
  if (check.verdict === "went_back_earlier") {
    return [
      `The database agrees with the newest anchor, but an earlier anchor run found it had gone back (${n} chain(s), above): those events are missing. If that was a restore done on purpose, record it: npm run audit:anchor -- --acknowledge "<why>".`,
    ];
  }
  if (check.verdict === "deleted_or_rewritten") {
    return [
      `Events that the anchor of ${anchor.createdAt} recorded are gone or different in ${n} chain(s), while other chains have moved on past it: they were deleted or rewritten (or an older copy of the database was restored and has been written to since).`,
    ];
  }
  return [];
}

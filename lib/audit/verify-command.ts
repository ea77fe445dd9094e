import "server-only";
import type { Database } from "@/db";
import type { ObjectStore } from "@/lib/storage";
import { anchorStores } from "./anchor";
import { checkAgainstAnchors, type AnchorCheck } from "./anchor-check";
import { verifyChains, type VerifyReport } from "./verify";

export type VerifyCommandResult = { exitCode: 0 | 1; report: VerifyReport; anchors: AnchorCheck; lines: string[] };

/**
 * `npm run audit:verify` without the process around it (scripts/audit-verify.ts prints the lines
 * and exits with the code): every chain from the database's side, then the database against the
 * newest genuine anchor outside it. Exit code 1 when a chain is broken, the database disagrees with
 * the anchor, a forged anchor turned up, or no anchor could be read at all (the check against the
 * outside was not done: never a silent pass).
 */
export async function runAuditVerify(db: Database, opts: { chains?: string[]; stores?: ObjectStore[]; out?: (line: string) => void } = {}): Promise<VerifyCommandResult> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    opts.out?.(line);
  };
  const started = performance.now();
  const report = await verifyChains(db, opts.chains?.length ? { chains: opts.chains } : {});
  for (const c of report.chains) {
    const from = c.checkpointSeq !== null ? ` (from the signed checkpoint at seq ${c.checkpointSeq})` : "";
    const legacy = c.legacyUpToSeq !== null ? ` (seq 1-${c.legacyUpToSeq} in the old unkeyed format, sealed)` : "";
    if (c.ok) say(`ok      ${c.chain}: ${c.events} event(s), up to seq ${c.lastSeq}${from}${legacy}`);
    else {
      const b = c.firstBroken!;
      say(`BROKEN  ${c.chain}: first broken at seq ${b.seq}${b.eventId ? ` (event ${b.eventId})` : ""}: ${b.problem}${from}`);
    }
  }

  const stores = opts.stores ?? anchorStores();
  const anchors = await checkAgainstAnchors(db, stores, opts.chains?.length ? { chains: opts.chains } : {});
  const where = anchors.stores.map((s) => s.location).join(", ");
  for (const f of anchors.forged) say(`FORGED  anchor ${f.key} in ${f.location}: ${f.problem}. Ignored as evidence; someone wrote to the anchor store, or the file is damaged.`);
  for (const u of anchors.unreadable) say(`UNREAD  anchor ${u.key} in ${u.location}: ${u.error}`);
  for (const s of anchors.stores.filter((x) => !x.reachable)) say(`UNREACHABLE  anchor store ${s.location}: ${s.error}`);
  const empty = report.chains.length === 0;
  let anchorsOk = anchors.status === "ok";
  if (anchors.status === "unreachable") {
    say(`ANCHORS  none of the anchor stores (${where}) could be read: the database was NOT checked against anything outside it.`);
  } else if (anchors.status === "none" && anchors.forged.length === 0) {
    if (empty) anchorsOk = true;
    else say(`ANCHORS  no anchor found in ${where}: the database could NOT be checked against anything outside it (a new installation writes its first within AUDIT_ANCHOR_INTERVAL_SECONDS; otherwise the store is not the one the app writes to, or the anchors were removed).`);
  } else if (anchors.anchor) {
    const a = anchors.anchor;
    say(`anchor  newest genuine anchor: ${a.key} in ${a.location} (${a.reason}, ${a.createdAt}, ${a.chains} chain(s))`);
    for (const line of anchors.lines) say(`ANCHOR  ${line}`);
    for (const k of anchors.acknowledged) {
      say(`note    ${k.chain}: events after seq ${k.foundSeq} (anchored up to seq ${k.seq} at ${k.anchoredAt}) were accepted as lost at ${k.acknowledgedAt}: "${k.reason}"`);
    }
  } else {
    say(`ANCHORS  no genuine anchor in ${where}: every anchor found is forged; the database could NOT be checked against anything outside it.`);
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const broken = report.chains.filter((c) => !c.ok).length;
  const ok = report.ok && anchorsOk;
  if (empty && anchors.status !== "mismatch") say("No audit events yet: nothing to verify.");
  else if (ok) say(`\nAll ${report.chains.length} chain(s) intact and in agreement with the newest anchor: ${report.events} event(s) checked in ${seconds} s.`);
  else if (report.ok && anchors.findings.length === 0 && anchors.forged.length === 0) {
    say(`\nAll ${report.chains.length} chain(s) intact in the database (${report.events} event(s) checked in ${seconds} s), but NOT compared with an anchor outside it (see above): fix the anchor stores, then run this again.`);
  } else {
    const parts = [
      broken ? `${broken} of ${report.chains.length} chain(s) BROKEN` : `${report.chains.length} chain(s) intact in the database`,
      anchors.findings.length ? `${anchors.findings.length} chain(s) disagree with the anchors` : null,
      anchors.forged.length ? `${anchors.forged.length} forged anchor(s)` : null,
      anchors.anchor ? null : "NOT compared with an anchor",
    ].filter(Boolean);
    say(`\n${parts.join("; ")} (${report.events} event(s) checked in ${seconds} s). Restore from a backup and investigate who had write access to the database and the anchor stores.`);
  }
  return { exitCode: ok ? 0 : 1, report, anchors, lines };
}

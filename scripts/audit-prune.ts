/**
 * `npm run audit:prune -- --before <2026-01-31 | 2026-01-31T00:00:00Z | 365>`: retention. Removes
 * audit events recorded before the date (or more than that many days ago), chain by chain, after
 * writing a signed checkpoint so the rest of each chain still verifies; records audit.pruned in
 * each chain it touched. The only way events leave the log (the table refuses DELETE otherwise).
 * Every chain is verified first, in the database and against the newest anchor outside it: a chain
 * that does not verify, or disagrees with the anchor, is never pruned (its evidence stays). After
 * pruning, a fresh anchor is written (the heads moved).
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

const USAGE = "Usage: npm run audit:prune -- --before <ISO date, e.g. 2026-01-31, or a number of days, e.g. 365>";

/** "365" or "365d" = that many days ago; otherwise an ISO date (a bare date is midnight UTC). */
function parseBefore(value: string | undefined, nowMs: number): Date | null {
  if (!value) return null;
  const days = /^(\d{1,5})d?$/.exec(value);
  if (days) return new Date(nowMs - Number(days[1]) * 86_400_000);
  // A date, optionally with a time (ISO 8601): anything Date reads that starts like one.
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || value.length > 35) return null;
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const args = process.argv.slice(2);
const at = args.indexOf("--before");
const raw = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith("--before="))?.slice("--before=".length);
const before = parseBefore(raw, Date.now());
if (!before) {
  console.error(raw ? `"${raw}" is not a date or a number of days.\n${USAGE}` : USAGE);
  process.exit(2);
}
if (before.getTime() > Date.now()) {
  console.error(`${before.toISOString()} is in the future: that would remove every event. ${USAGE}`);
  process.exit(2);
}

const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { anchorStores, checkAgainstAnchors, pruneAudit, verifyChains, writeAuditAnchor } = await import("../lib/audit");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();
const force = args.includes("--force-broken");

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db); // the audit MAC keys and the checkpoint key come from the keyring
  // A checkpoint vouches for everything before it: pruning a chain that does not verify would
  // sign over an edit and delete the evidence. So would pruning events an anchor disagrees with
  // (the anchor could no longer be compared). Such chains are left alone (and named).
  const report = await verifyChains(handle.db);
  const anchors = await checkAgainstAnchors(handle.db, anchorStores());
  const disagree = new Set(anchors.findings.map((f) => f.chain));
  const broken = report.chains.filter((c) => !c.ok || disagree.has(c.chain));
  for (const c of broken) {
    const why = c.ok ? anchors.findings.find((f) => f.chain === c.chain)!.line : `seq ${c.firstBroken!.seq}: ${c.firstBroken!.problem}`;
    console.error(`BROKEN  ${c.chain}: ${why}; not pruned`);
  }
  const unanchored = anchors.status === "unreachable" || (anchors.status === "none" && report.chains.length > 0) || (!anchors.anchor && anchors.forged.length > 0);
  if (unanchored) console.error(`ANCHORS  no genuine anchor could be read from ${anchors.stores.map((x) => x.location).join(", ")}: the chains were checked in the database only.`);
  if ((broken.length || unanchored) && !force) {
    const why = [broken.length ? `${broken.length} chain(s) do not verify` : null, unanchored ? "no anchor could be checked" : null].filter(Boolean).join(", and ");
    console.error(`\nNothing was pruned: ${why}. Investigate first (npm run audit:verify); --force-broken prunes the chains that verify only.`);
    await closeDb();
    process.exit(1);
  }
  const chains = report.chains.filter((c) => c.ok && !disagree.has(c.chain)).map((c) => c.chain);
  console.log(`Pruning audit events recorded before ${before.toISOString()}...`);
  const result = await pruneAudit(handle.db, { before, chains });
  if (result.chains.length === 0) console.log("Nothing to prune: no chain has events that old.");
  for (const c of result.chains) console.log(`pruned  ${c.chain}: ${c.deleted} event(s) up to seq ${c.upToSeq}; signed checkpoint written, audit.pruned recorded`);
  const total = result.chains.reduce((n, c) => n + c.deleted, 0);
  if (result.chains.length) {
    const anchor = await writeAuditAnchor(handle.db, { reason: "manual" });
    const stored = anchor.written ? anchor.stored.filter((x) => x.ok).length : 0;
    console.log(`\nRemoved ${total} event(s) from ${result.chains.length} chain(s); a new anchor went to ${stored} store(s). Run npm run audit:verify to check the rest.`);
  }
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

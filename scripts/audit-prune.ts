/**
 * `npm run audit:prune -- --before <2026-01-31 | 2026-01-31T00:00:00Z | 365>`: retention. Removes
 * audit events recorded before the date (or more than that many days ago), chain by chain, after
 * writing a signed checkpoint so the rest of each chain still verifies; records audit.pruned in
 * each chain it touched. The only way events leave the log (the table refuses DELETE otherwise).
 * Every chain is verified first: a chain that does not verify is never pruned (its evidence stays).
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
const { pruneAudit, verifyChains } = await import("../lib/audit");
// Audit events recorded here reach the alert rules, as in the server (lib/bootstrap).
(await import("../lib/alerts")).listenToAuditEvents();
const force = args.includes("--force-broken");

try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db); // the checkpoint's signature uses a keyring-derived key
  // A checkpoint vouches for everything before it: pruning a chain that does not verify would
  // sign over an edit and delete the evidence. Such chains are left alone (and named).
  const report = await verifyChains(handle.db);
  const broken = report.chains.filter((c) => !c.ok);
  for (const c of broken) console.error(`BROKEN  ${c.chain}: seq ${c.firstBroken!.seq}: ${c.firstBroken!.problem}; not pruned`);
  if (broken.length && !force) {
    console.error(`\n${broken.length} chain(s) do not verify: nothing was pruned. Investigate first (npm run audit:verify); --force-broken prunes the intact chains only.`);
    await closeDb();
    process.exit(1);
  }
  const chains = report.chains.filter((c) => c.ok).map((c) => c.chain);
  console.log(`Pruning audit events recorded before ${before.toISOString()}...`);
  const result = await pruneAudit(handle.db, { before, chains });
  if (result.chains.length === 0) console.log("Nothing to prune: no chain has events that old.");
  for (const c of result.chains) console.log(`pruned  ${c.chain}: ${c.deleted} event(s) up to seq ${c.upToSeq}; signed checkpoint written, audit.pruned recorded`);
  const total = result.chains.reduce((n, c) => n + c.deleted, 0);
  if (result.chains.length) console.log(`\nRemoved ${total} event(s) from ${result.chains.length} chain(s). Run npm run audit:verify to check the rest.`);
  await closeDb();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

/**
 * `npm run audit:verify [-- <chain>...]`: walks every audit chain (or the ones named: an
 * organization id, or "platform"), recomputes each hash and link, and checks the chain heads and
 * the signed prune checkpoints. Prints one line per chain; exits 1 when any chain is broken,
 * naming the first broken event of each.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { verifyChains } = await import("../lib/audit");

const chains = process.argv.slice(2).filter((a) => !a.startsWith("-"));
try {
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db); // checkpoint signatures use a keyring-derived key
  const started = performance.now();
  const report = await verifyChains(handle.db, chains.length ? { chains } : {});
  for (const c of report.chains) {
    const from = c.checkpointSeq !== null ? ` (from the signed checkpoint at seq ${c.checkpointSeq})` : "";
    if (c.ok) console.log(`ok      ${c.chain}: ${c.events} event(s), up to seq ${c.lastSeq}${from}`);
    else {
      const b = c.firstBroken!;
      console.log(`BROKEN  ${c.chain}: first broken at seq ${b.seq}${b.eventId ? ` (event ${b.eventId})` : ""}: ${b.problem}${from}`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const broken = report.chains.filter((c) => !c.ok).length;
  if (report.chains.length === 0) console.log("No audit events yet: nothing to verify.");
  else if (report.ok) console.log(`\nAll ${report.chains.length} chain(s) intact: ${report.events} event(s) checked in ${seconds} s.`);
  else console.log(`\n${broken} of ${report.chains.length} chain(s) BROKEN (${report.events} event(s) checked in ${seconds} s). Restore from a backup and investigate who had write access to the database.`);
  await closeDb();
  process.exitCode = report.ok ? 0 : 1;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}

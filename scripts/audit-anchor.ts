/**
 * `npm run audit:anchor [-- --acknowledge "<why>"]`: writes an audit anchor now (every chain head,
 * signed, to each BACKUP_TARGETS location under audit-anchors/), e.g. where no in-process timer
 * runs. With --acknowledge, after a restore done on purpose, it also accepts the breaks the anchors
 * recorded (the audit events lost with the restore): audit:verify then reports them without failing.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { getDbHandle, closeDb } = await import("../db");
const { runMigrations } = await import("../db/migrate");
const { loadKeyring } = await import("../lib/crypto");
const { acknowledgeAnchorBreaks, writeAuditAnchor } = await import("../lib/audit");

const args = process.argv.slice(2);
const at = args.indexOf("--acknowledge");
const reason = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith("--acknowledge="))?.slice("--acknowledge=".length);
try {
  if (at >= 0 && !reason) throw new Error('Usage: npm run audit:anchor -- --acknowledge "<why the lost events are accepted>"');
  const handle = getDbHandle(); // refuses with a clear message while the app holds the PGlite dir
  await runMigrations(handle);
  await loadKeyring(handle.db);
  const result = reason ? await acknowledgeAnchorBreaks(handle.db, { reason }) : { write: await writeAuditAnchor(handle.db, { reason: "manual" }), acknowledged: 0 };
  const { write } = result;
  if (!write.written) console.log("No audit events yet: nothing to anchor.");
  else {
    for (const s of write.stored) console.log(s.ok ? `written  ${s.location}/${write.key}` : `FAILED   ${s.location}: ${s.error}`);
    for (const b of write.newBreaks) console.log(`BREAK    ${b.chain}: the anchor of ${b.anchoredAt} had seq ${b.seq}; the database now has ${b.foundSeq}`);
    if (reason) console.log(result.acknowledged ? `Accepted ${result.acknowledged} break(s): "${reason}". Recorded as audit.rollback_acknowledged.` : "There was no break to accept.");
    else if (write.anchor.breaks.length) console.log(`${write.anchor.breaks.length} break(s) recorded in the anchors: see npm run audit:verify.`);
  }
  await closeDb();
  process.exitCode = write.written && write.stored.some((s) => s.ok) ? 0 : 1;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

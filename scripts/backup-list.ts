/**
 * `npm run backup:list`: every backup in BACKUP_TARGETS, newest first, and which targets hold a
 * complete copy. Reads the targets only (no database, no key): checking a copy is backup:verify.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
const { backupTargets, listBackups } = await import("../lib/backup");

try {
  const targets = backupTargets();
  const backups = await listBackups(targets);
  if (backups.length === 0) console.log(`No backups in ${targets.map((t) => t.location).join(", ")}.`);
  for (const b of backups) {
    const where = b.missing.length ? `in ${b.locations.length}/${targets.length} targets (missing or partial: ${b.missing.join(", ")})` : `in all ${targets.length} targets`;
    console.log(`${b.name}  ${b.createdAt.toISOString()}  ${(b.bytes / 1e6).toFixed(1).padStart(8)} MB  ${where}`);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}

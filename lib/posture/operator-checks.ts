import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { keyring } from "@/db/schema";
import { organizationBackupSummary } from "@/lib/backup";
import { now } from "@/lib/clock";
import { DAY_MS, type CheckResult } from "./types";

/** Rotate the data key at least yearly (NIST SP 800-57 cryptoperiods); a restore should be proved weekly. */
export const DATA_KEY_MAX_AGE_DAYS = 365;
export const BACKUP_VERIFY_MAX_AGE_DAYS = 8;

const daysSince = (d: Date) => Math.floor((now().getTime() - d.getTime()) / DAY_MS);

/** The age of the data key that encrypts new values (the newest active one), as `npm run keys:status` lists it. */
export async function dataKeyAge(db: Database): Promise<number | null> {
  const [key] = await db
    .select({ activatesAt: keyring.activatesAt })
    .from(keyring)
    .where(and(eq(keyring.purpose, "data"), eq(keyring.status, "active")))
    .orderBy(desc(keyring.activatesAt))
    .limit(1);
  return key ? daysSince(key.activatesAt) : null;
}

export function dataKeyCheck(ageDays: number | null): CheckResult {
  return {
    key: "data-key-age",
    title: "Age of the data encryption key",
    operatorOnly: true,
    state: ageDays === null ? "failing" : ageDays > DATA_KEY_MAX_AGE_DAYS ? "warning" : "ok",
    finding: ageDays === null ? "No active data key: encrypted columns cannot be written." : `The data key in use is ${ageDays} day${ageDays === 1 ? "" : "s"} old.`,
    why: "A key that encrypts years of data is a bigger prize; rotating it limits what one leaked key opens.",
    fix: { command: "npm run keys:rotate", label: "Rotate the data key on a server (a resumable re-encryption follows)" },
  };
}

export function backupCheck(summary: { backedUp: boolean; lastVerifiedAt: Date | null }): CheckResult {
  const age = summary.lastVerifiedAt ? daysSince(summary.lastVerifiedAt) : null;
  const stale = age === null || age > BACKUP_VERIFY_MAX_AGE_DAYS;
  return {
    key: "backup-verified",
    title: "Last verified backup",
    operatorOnly: true,
    state: !summary.backedUp ? "failing" : stale ? "warning" : "ok",
    finding: `${summary.backedUp ? "A backup completed in the last 26 hours" : "No complete backup in the last 26 hours"}; ${age === null ? "no restore was ever verified" : `the last verified restore was ${age} day${age === 1 ? "" : "s"} ago`}.`,
    why: "A backup nobody restored is a hope, not a backup: only a verified restore proves the data comes back after ransomware or a mistake.",
    fix: { href: "/admin/backups", label: "Back up and verify now", permission: "backups:read" },
  };
}

/** Platform items for ChargeKeep's operators only: the same for every organization, never in its score. */
export async function operatorChecks(db: Database): Promise<CheckResult[]> {
  const [age, summary] = await Promise.all([dataKeyAge(db), organizationBackupSummary(db)]);
  return [dataKeyCheck(age), backupCheck(summary)];
}

import "server-only";
import { getDbHandle } from "@/db";
import { sourceOf, type BackupSource } from "./source";

/** What this process backs up: its own database (the cron route; app/ does not import db/). */
export function currentBackupSource(): BackupSource {
  return sourceOf(getDbHandle());
}

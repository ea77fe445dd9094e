import "server-only";
import { lt } from "drizzle-orm";
import type { Database } from "@/db";
import { authFailures } from "@/db/schema";
import { now } from "@/lib/clock";
import { IP_WINDOW_MS, SUSPEND_WINDOW_MS } from "./thresholds";

/** Failures older than both windows count for nothing: drop them (the audit log keeps the history). */
export async function pruneAuthFailures(db: Database): Promise<number> {
  const keepMs = 2 * Math.max(SUSPEND_WINDOW_MS, IP_WINDOW_MS);
  const deleted = await db
    .delete(authFailures)
    .where(lt(authFailures.createdAt, new Date(now().getTime() - keepMs)))
    .returning({ id: authFailures.id });
  return deleted.length;
}

import "server-only";
import { and, eq, gt } from "drizzle-orm";
import type { Database } from "@/db";
import { accountDefense, ipBlocks } from "@/db/schema";
import { now } from "@/lib/clock";

export type AccountStatus = { state: "ok" } | { state: "locked"; until: Date; minutesLeft: number } | { state: "suspended"; since: Date };

/** Whether sign-in to this account is refused right now, read before any password is checked. */
export async function accountStatus(db: Database, userId: string): Promise<AccountStatus> {
  const [row] = await db
    .select({ lockedUntil: accountDefense.lockedUntil, suspendedAt: accountDefense.suspendedAt })
    .from(accountDefense)
    .where(eq(accountDefense.userId, userId));
  if (row?.suspendedAt) return { state: "suspended", since: row.suspendedAt };
  const t = now();
  if (row?.lockedUntil && row.lockedUntil > t) {
    return { state: "locked", until: row.lockedUntil, minutesLeft: Math.max(1, Math.ceil((row.lockedUntil.getTime() - t.getTime()) / 60_000)) };
  }
  return { state: "ok" };
}

/**
 * The end of the address's automatic block, or null. The firewall refuses blocked addresses at the
 * edge; sign-in checks again here so a rule that has not reached every instance yet changes nothing.
 */
export async function ipBlockedUntil(db: Database, ip: string | null): Promise<Date | null> {
  if (!ip) return null;
  const [row] = await db
    .select({ until: ipBlocks.blockedUntil })
    .from(ipBlocks)
    .where(and(eq(ipBlocks.ip, ip), gt(ipBlocks.blockedUntil, now())));
  return row?.until ?? null;
}

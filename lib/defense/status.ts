import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import type { Database } from "@/db";
import { accountDefense, authFailures, ipBlocks } from "@/db/schema";
import { now } from "@/lib/clock";
import { lockAfter, lockWaitMs, suspendAfter, SUSPEND_WINDOW_MS } from "./thresholds";

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
 * What accountStatus would say for an address that has no account, replayed from its counted
 * failures with the same rules (a lock after N in a row, each further one locking twice as long;
 * suspension after M in 24 hours). Without it, "locked" after five guesses would confirm that an
 * account exists. A real account stays suspended until unlocked; this one lifts after 24 hours.
 */
export async function unknownAddressStatus(db: Database, emailHash: string): Promise<AccountStatus> {
  const t = now();
  const rows = await db
    .select({ at: authFailures.createdAt })
    .from(authFailures)
    .where(and(eq(authFailures.emailHash, emailHash), gt(authFailures.createdAt, new Date(t.getTime() - SUSPEND_WINDOW_MS))))
    .orderBy(asc(authFailures.createdAt))
    .limit(suspendAfter());
  if (rows.length >= suspendAfter()) return { state: "suspended", since: rows[rows.length - 1]!.at };
  if (rows.length < lockAfter()) return { state: "ok" };
  const level = rows.length - lockAfter() + 1;
  const until = new Date(rows[rows.length - 1]!.at.getTime() + lockWaitMs(level));
  if (until <= t) return { state: "ok" };
  return { state: "locked", until, minutesLeft: Math.max(1, Math.ceil((until.getTime() - t.getTime()) / 60_000)) };
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

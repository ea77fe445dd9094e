import "server-only";
import { and, eq, gt, isNotNull, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { accountDefense, memberships } from "@/db/schema";
import { now } from "@/lib/clock";
import type { CheckResult } from "./types";

/** Members of this organization whose sign-in lib/defense has locked (for now) or suspended (until unlocked). */
export async function lockedAccounts(db: Database, organizationId: string): Promise<{ locked: number; suspended: number }> {
  const [row] = await db
    .select({
      locked: sql<number>`count(*) filter (where ${accountDefense.suspendedAt} is null)::int`,
      suspended: sql<number>`count(*) filter (where ${accountDefense.suspendedAt} is not null)::int`,
    })
    .from(accountDefense)
    .innerJoin(memberships, and(eq(memberships.userId, accountDefense.userId), eq(memberships.organizationId, organizationId)))
    .where(or(isNotNull(accountDefense.suspendedAt), gt(accountDefense.lockedUntil, now())));
  return { locked: Number(row?.locked ?? 0), suspended: Number(row?.suspended ?? 0) };
}

export function lockedAccountsCheck(f: { locked: number; suspended: number }): CheckResult {
  const total = f.locked + f.suspended;
  return {
    key: "locked-accounts",
    title: "Locked or suspended accounts",
    state: total === 0 ? "ok" : "warning",
    finding: total === 0 ? "No member is locked out after failed sign-ins." : `${f.suspended} suspended and ${f.locked} locked after repeated failed sign-ins.`,
    why: "Repeated failed sign-ins mean someone is guessing a member's password or second factor; the member may also be stuck.",
    fix: { href: "/admin/defense", label: "Review and unlock accounts", permission: "members:manage" },
  };
}

export async function accountChecks(db: Database, organizationId: string): Promise<CheckResult[]> {
  return [lockedAccountsCheck(await lockedAccounts(db, organizationId))];
}

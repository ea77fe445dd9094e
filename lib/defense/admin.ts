import "server-only";
import { and, desc, eq, gt, isNotNull, or } from "drizzle-orm";
import type { Database } from "@/db";
import { accountDefense, ipBlocks, memberships, users } from "@/db/schema";
import { requireRecentMfa, type SessionContext } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { badRequest } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { authorize } from "@/lib/rbac";
import { getMembership } from "@/lib/rbac";
import { assertNotAbove } from "@/lib/rbac";
import { loadRoleTree } from "@/lib/rbac";
import { recordDefenseEvent } from "./audit";
import { clearAccountDefense } from "./unlock";

export type DefendedAccount = {
  userId: string;
  name: string;
  email: string;
  lockedUntil: Date | null;
  suspendedAt: Date | null;
  consecutiveFailures: number;
  lastFailureAt: Date | null;
};

/** Members of the caller's organization whose sign-in is locked or suspended right now. */
export async function listDefendedMembers(db: Database, ctx: SessionContext): Promise<DefendedAccount[]> {
  authorize(ctx, "members:manage");
  return db
    .select({
      userId: accountDefense.userId,
      name: users.name,
      email: users.email,
      lockedUntil: accountDefense.lockedUntil,
      suspendedAt: accountDefense.suspendedAt,
      consecutiveFailures: accountDefense.consecutiveFailures,
      lastFailureAt: accountDefense.lastFailureAt,
    })
    .from(accountDefense)
    .innerJoin(users, eq(users.id, accountDefense.userId))
    .innerJoin(memberships, and(eq(memberships.userId, accountDefense.userId), eq(memberships.organizationId, ctx.organization.id)))
    .where(or(isNotNull(accountDefense.suspendedAt), gt(accountDefense.lockedUntil, now())))
    .orderBy(desc(accountDefense.lastFailureAt));
}

/** One member's state, for the member page's unlock button (null = nothing to unlock). */
export async function memberDefenseState(db: Database, ctx: SessionContext, userId: string): Promise<DefendedAccount | null> {
  const rows = await listDefendedMembers(db, ctx);
  return rows.find((r) => r.userId === userId) ?? null;
}

/**
 * Automatic IP blocks in force. Addresses come from attacks on every tenant, so only ChargeKeep's
 * operators see them; an organization's admins see their own members' locks.
 */
export async function listBlockedIps(db: Database, ctx: SessionContext) {
  if (!ctx.user.isOperator) return null;
  return db.select().from(ipBlocks).where(gt(ipBlocks.blockedUntil, now())).orderBy(desc(ipBlocks.lastBlockedAt));
}

/**
 * An admin unlocks a member's account (lock and suspension) from the member page or the defense
 * page: members:manage, a recent second factor, a member of the caller's organization (another
 * tenant's id reads as not found), not above the caller's role, and not the caller themself.
 */
export async function adminUnlockAccount(db: Database, ctx: SessionContext, userId: string, meta: RequestMeta | null): Promise<void> {
  authorize(ctx, "members:manage");
  requireRecentMfa(ctx);
  if (userId === ctx.user.id) throw badRequest("You cannot unlock your own account: another administrator has to, or use the e-mailed link.");
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database;
    const member = await getMembership(tx, ctx, userId);
    assertNotAbove(ctx, await loadRoleTree(tx, ctx.organization.id), member.roleId, "this member");
    const cleared = await clearAccountDefense(tx, userId);
    if (!cleared.wasLocked && !cleared.wasSuspended) throw badRequest("This account is not locked or suspended.");
    await recordDefenseEvent(tx, {
      userId,
      action: "defense.account_unlocked",
      actorUserId: ctx.user.id,
      meta,
      metadata: { via: "admin", wasLocked: cleared.wasLocked, wasSuspended: cleared.wasSuspended },
    });
  });
}


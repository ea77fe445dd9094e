import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { accountDefense, authFailures, ipBlocks, type AuthFailureKind } from "@/db/schema";
import { recordAudit, auditRequestFields } from "@/lib/audit";
import { revokeAllSessions } from "@/lib/credentials";
import { now } from "@/lib/clock";
import type { RequestMeta } from "@/lib/http";
import { recordDefenseEvent } from "./audit";
import { pruneAuthFailures } from "./prune";
import { hostCidr, IP_WINDOW_MS, ipBlockMs, ipFailuresPerHour, lockAfter, lockWaitMs, suspendAfter, SUSPEND_WINDOW_MS } from "./thresholds";
import { sendUnlockMail } from "./unlock-mail";

/** emailHash: for an unknown e-mail (userId null), see auth_failures.email_hash. */
export type AuthFailure = { userId: string | null; kind: AuthFailureKind; meta: RequestMeta; emailHash?: string };

type Outcome = { suspended: boolean; ipBlock: { ip: string; until: Date } | null };

const later = (a: Date | null, b: Date) => (a && a > b ? a : b);

/**
 * Counts one failed sign-in step (wrong password, unknown e-mail, wrong TOTP code, failed WebAuthn
 * assertion, wrong recovery code) towards the account's lock and suspension and the address's block.
 *
 * Exact under concurrency: one transaction first takes the account row's lock (the upsert) and
 * then a transaction-scoped advisory lock on the address (always in that order, so two failures
 * never wait on each other in a cycle). Every decision below reads counts that no other failure
 * of the same account or address can change until this one commits.
 */
export async function recordAuthFailure(db: Database, failure: AuthFailure): Promise<void> {
  const ip = failure.meta.ip;
  const outcome = await db.transaction(async (txRaw): Promise<Outcome> => {
    const tx = txRaw as unknown as Database;
    const t = now();
    const out: Outcome = { suspended: false, ipBlock: null };
    let state: typeof accountDefense.$inferSelect | undefined;
    if (failure.userId) {
      [state] = await tx
        .insert(accountDefense)
        .values({ userId: failure.userId, consecutiveFailures: 1, lastFailureAt: t })
        .onConflictDoUpdate({
          target: accountDefense.userId,
          set: { consecutiveFailures: sql`${accountDefense.consecutiveFailures} + 1`, lastFailureAt: t },
        })
        .returning();
    }
    if (ip) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`defense-ip:${ip}`}, 0))`);
    await tx.insert(authFailures).values({ userId: failure.userId, ip, kind: failure.kind, emailHash: failure.userId ? null : (failure.emailHash ?? null), createdAt: t });

    if (state && !state.suspendedAt) out.suspended = await applyAccountRules(tx, state, failure, t);
    if (ip) out.ipBlock = await applyIpRule(tx, ip, failure.meta, t);
    return out;
  });

  // Outside the counting transaction: mail and the firewall's own transaction must not hold the locks.
  if (outcome.suspended && failure.userId) await sendUnlockMail(db, failure.userId);
  if (outcome.ipBlock) await installIpBlock(db, outcome.ipBlock);
  // Now and then (about one failure in a hundred), drop rows too old to count: no scheduler needed.
  if (Math.random() < 0.01) await pruneAuthFailures(db).catch(() => undefined);
}

/**
 * Lock after N consecutive failures (each further one locks again, waiting twice as long); suspend
 * after M in 24 h. A lock closes the password step; an MFA-pending session that already exists
 * keeps its own limits (mfa-verify-session / mfa-verify-user) and its failures still count here,
 * so second-factor guessing ends in suspension, which ends every session, pending ones too.
 */
async function applyAccountRules(tx: Database, state: typeof accountDefense.$inferSelect, failure: AuthFailure, t: Date): Promise<boolean> {
  const userId = state.userId;
  const since = later(state.unlockedAt, new Date(t.getTime() - SUSPEND_WINDOW_MS));
  const [{ n } = { n: 0 }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(authFailures)
    .where(and(eq(authFailures.userId, userId), gt(authFailures.createdAt, since)));
  const recent = Number(n);

  if (recent >= suspendAfter()) {
    await tx.update(accountDefense).set({ suspendedAt: t, lockedUntil: null }).where(eq(accountDefense.userId, userId));
    // Every session ends, the half-finished (MFA-pending) ones too: nothing more to guess against.
    await revokeAllSessions(tx, userId);
    await recordDefenseEvent(tx, {
      userId,
      action: "defense.account_suspended",
      actorUserId: null,
      meta: failure.meta,
      metadata: { failures: recent, windowHours: 24, lastFailureKind: failure.kind },
    });
    return true;
  }

  if (state.consecutiveFailures >= lockAfter()) {
    const level = state.consecutiveFailures - lockAfter() + 1;
    const until = new Date(t.getTime() + lockWaitMs(level));
    await tx.update(accountDefense).set({ lockLevel: level, lockedUntil: until }).where(eq(accountDefense.userId, userId));
    await recordDefenseEvent(tx, {
      userId,
      action: "defense.account_locked",
      actorUserId: null,
      meta: failure.meta,
      metadata: { consecutiveFailures: state.consecutiveFailures, lockLevel: level, lockedUntil: until.toISOString(), lastFailureKind: failure.kind },
    });
  }
  return false;
}

/** More than the hourly number of failures from one address (across accounts) blocks it: 1 h, doubling for repeat offenders. */
async function applyIpRule(tx: Database, ip: string, meta: RequestMeta, t: Date): Promise<{ ip: string; until: Date } | null> {
  const [block] = await tx.select().from(ipBlocks).where(eq(ipBlocks.ip, ip));
  if (block && block.blockedUntil > t) return null; // already blocked: the firewall answers until it ends
  const since = later(block?.lastBlockedAt ?? null, new Date(t.getTime() - IP_WINDOW_MS));
  const [{ n } = { n: 0 }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(authFailures)
    .where(and(eq(authFailures.ip, ip), gt(authFailures.createdAt, since)));
  const failures = Number(n);
  if (failures <= ipFailuresPerHour()) return null;

  const blocks = (block?.blocks ?? 0) + 1;
  const until = new Date(t.getTime() + ipBlockMs(blocks));
  await tx
    .insert(ipBlocks)
    .values({ ip, blocks, lastBlockedAt: t, blockedUntil: until, firewallRuleId: null })
    .onConflictDoUpdate({ target: ipBlocks.ip, set: { blocks, lastBlockedAt: t, blockedUntil: until, firewallRuleId: null } });
  await recordAudit(tx, {
    organizationId: null,
    actorUserId: null,
    action: "defense.ip_blocked",
    result: "success",
    targetType: "ip",
    targetId: ip,
    ...auditRequestFields(meta),
    metadata: { failures, windowMinutes: 60, blocks, blockedUntil: until.toISOString() },
  });
  return { ip, until };
}

/** The temporary deny rule in lib/firewall (checked at the edge); ip_blocks remembers its id. */
async function installIpBlock(db: Database, block: { ip: string; until: Date }): Promise<void> {
  try {
    // Loaded on use: lib/firewall's admin side imports lib/mfa, whose hooks import this module.
    const { addFirewallRule } = await import("@/lib/firewall");
    const { id } = await addFirewallRule(db, {
      scope: "global",
      organizationId: null,
      cidr: hostCidr(block.ip),
      action: "deny",
      reason: "Automatic block: too many failed sign-ins from this address across accounts.",
      expiresAt: block.until,
      createdBy: null,
    });
    if (id) await db.update(ipBlocks).set({ firewallRuleId: id }).where(eq(ipBlocks.ip, block.ip));
  } catch (e) {
    // Sign-in still refuses the address from ip_blocks; the edge rule is the faster second line.
    console.error(`[defense] could not add the firewall rule for ${block.ip}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

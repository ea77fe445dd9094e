import "server-only";
import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { firewallRules, firewallState, users } from "@/db/schema";
import { now } from "@/lib/clock";
import { AppError } from "@/lib/errors";
import { firewallFreshness, firewallLoaded, hasFirewallSource, refreshFirewall, registerFirewallSource, type FirewallSource } from "./cache";
import { FIREWALL_CHANNEL, publishFirewallChange } from "./push";
import { CidrError, normaliseCidr } from "./cidr";
import type { ActiveRule } from "./rule-set";

export type FirewallRuleInput = {
  scope: "global" | "organization";
  organizationId: string | null;
  cidr: string;
  action: "allow" | "deny";
  reason: string;
  expiresAt: Date | null;
  /** User id; null = the system (automatic IP blocks). */
  createdBy: string | null;
};

export type FirewallRule = typeof firewallRules.$inferSelect;
export type ListedFirewallRule = FirewallRule & { createdByName: string | null; expired: boolean };

export const REASON_MAX = 300;

/** Which rules an operation may touch: global ones, or one organization's. */
export type RuleScope = { scope: "global"; organizationId?: null } | { scope: "organization"; organizationId: string };

function scopeWhere(s: RuleScope) {
  return s.scope === "global"
    ? and(eq(firewallRules.scope, "global"), isNull(firewallRules.organizationId))
    : and(eq(firewallRules.scope, "organization"), eq(firewallRules.organizationId, s.organizationId));
}

/** Bumps the version counter; call inside the transaction that changes rules. */
async function bumpVersion(tx: Database): Promise<number> {
  const [row] = await tx
    .insert(firewallState)
    .values({ id: 1, version: 1 })
    .onConflictDoUpdate({ target: firewallState.id, set: { version: sql`${firewallState.version} + 1`, updatedAt: sql`now()` } })
    .returning({ version: firewallState.version });
  // Delivered by PostgreSQL when this transaction commits, to every instance listening (push.ts).
  await tx.execute(sql`select pg_notify(${FIREWALL_CHANNEL}, ${String(row!.version)})`);
  return row!.version;
}

/** The database as the cache's rule source. */
export function dbFirewallSource(db: Database): FirewallSource {
  return {
    async readVersion() {
      const [row] = await db.select({ version: firewallState.version }).from(firewallState).where(eq(firewallState.id, 1));
      return row?.version ?? 0;
    },
    async readRules(at) {
      const rows = await db
        .select({
          id: firewallRules.id,
          scope: firewallRules.scope,
          organizationId: firewallRules.organizationId,
          cidr: firewallRules.cidr,
          action: firewallRules.action,
          expiresAt: firewallRules.expiresAt,
        })
        .from(firewallRules)
        .where(or(isNull(firewallRules.expiresAt), gt(firewallRules.expiresAt, at)));
      return rows.map((r) => ({ ...r, expiresAt: r.expiresAt ? r.expiresAt.getTime() : null }));
    },
  };
}

/** Boot (lib/bootstrap): reads the rules once so the first request is already protected, and keeps them fresh from then on. */
export async function loadFirewall(db: Database): Promise<void> {
  registerFirewallSource(dbFirewallSource(db));
  await refreshFirewall(true);
}

/** The gate's lazy path while bootstrap does not load the rules: registers the database and waits for the first load only. */
export async function ensureFirewallLoaded(db: Database): Promise<void> {
  if (!hasFirewallSource()) registerFirewallSource(dbFirewallSource(db));
  if (!firewallLoaded()) await refreshFirewall();
}

/**
 * After a change: the server that made it applies it at once (others within the refresh interval).
 * Inside a caller's transaction the new rows are not visible yet, so the reload is only started;
 * it sees the new version once that commits.
 */
async function applyLocally(db: Database): Promise<void> {
  if (db instanceof PgTransaction) {
    void refreshFirewall(true);
    return;
  }
  if (!hasFirewallSource()) registerFirewallSource(dbFirewallSource(db));
  await refreshFirewall(true);
  await publishFirewallChange(firewallFreshness().version ?? 0);
}

/** Validates and normalises a rule; throws a 400 AppError naming the field. */
export function checkRuleInput(input: FirewallRuleInput): FirewallRuleInput {
  if (input.scope === "global" && input.organizationId !== null) throw new AppError("bad_request", 400, "A global rule belongs to no organization.");
  if (input.scope === "organization" && !input.organizationId) throw new AppError("bad_request", 400, "An organization rule needs its organization.");
  let cidr: string;
  try {
    cidr = normaliseCidr(input.cidr);
  } catch (e) {
    if (e instanceof CidrError) throw new AppError("bad_request", 400, e.message, { cidr: e.message });
    throw e;
  }
  const reason = input.reason.trim().slice(0, REASON_MAX);
  if (!reason) throw new AppError("bad_request", 400, "Say why the rule exists.", { reason: "Say why the rule exists." });
  return { ...input, cidr, reason };
}

/**
 * Adds a rule (the contract other parts use, e.g. automatic IP blocks from lib/defense). The
 * version is bumped in the same transaction. `onWritten` runs inside that transaction too (the
 * admin path records its audit event there).
 */
export async function addFirewallRule(
  db: Database,
  rule: FirewallRuleInput,
  onWritten?: (tx: Database, row: FirewallRule) => Promise<unknown>,
): Promise<{ id: string }> {
  const input = checkRuleInput(rule);
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(firewallRules)
      .values({
        scope: input.scope,
        organizationId: input.organizationId,
        cidr: input.cidr,
        action: input.action,
        reason: input.reason,
        expiresAt: input.expiresAt,
        createdBy: input.createdBy,
      })
      .returning();
    await bumpVersion(tx);
    if (onWritten) await onWritten(tx, inserted!);
    return inserted!;
  });
  await applyLocally(db);
  return { id: row.id };
}

/** Deletes a rule of the given scope; null when there is no such rule there (another tenant's id reads the same). */
export async function removeFirewallRule(
  db: Database,
  where: RuleScope & { id: string },
  onWritten?: (tx: Database, row: FirewallRule) => Promise<unknown>,
): Promise<FirewallRule | null> {
  const row = await db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(firewallRules)
      .where(and(eq(firewallRules.id, where.id), scopeWhere(where)))
      .returning();
    if (!deleted) return null;
    await bumpVersion(tx);
    if (onWritten) await onWritten(tx, deleted);
    return deleted;
  });
  if (row) await applyLocally(db);
  return row;
}

/** Ends a rule now but keeps it listed (as expired); null when there is no such rule in force. */
export async function expireFirewallRule(
  db: Database,
  where: RuleScope & { id: string },
  onWritten?: (tx: Database, row: FirewallRule) => Promise<unknown>,
): Promise<FirewallRule | null> {
  const t = now();
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(firewallRules)
      .set({ expiresAt: t })
      .where(and(eq(firewallRules.id, where.id), scopeWhere(where), or(isNull(firewallRules.expiresAt), gt(firewallRules.expiresAt, t))))
      .returning();
    if (!updated) return null;
    await bumpVersion(tx);
    if (onWritten) await onWritten(tx, updated);
    return updated;
  });
  if (row) await applyLocally(db);
  return row;
}

/** The rules of one scope, newest first; expired ones too when asked (they stay until removed). */
export async function listFirewallRules(db: Database, where: RuleScope, options: { includeExpired?: boolean } = {}): Promise<ListedFirewallRule[]> {
  const t = now();
  const rows = await db
    .select({ rule: firewallRules, createdByName: users.name })
    .from(firewallRules)
    .leftJoin(users, eq(users.id, firewallRules.createdBy))
    .where(and(scopeWhere(where), options.includeExpired ? undefined : or(isNull(firewallRules.expiresAt), gt(firewallRules.expiresAt, t))))
    .orderBy(desc(firewallRules.createdAt), desc(firewallRules.id));
  return rows.map((r) => ({ ...r.rule, createdByName: r.createdByName, expired: r.rule.expiresAt !== null && r.rule.expiresAt.getTime() <= t.getTime() }));
}

/** The rules in force for a scope, as the decision reads them (self-lock-out checks). */
export async function activeRules(db: Database, where: RuleScope): Promise<ActiveRule[]> {
  const rows = await listFirewallRules(db, where);
  return rows.map((r) => ({ id: r.id, scope: r.scope, organizationId: r.organizationId, cidr: r.cidr, action: r.action, expiresAt: r.expiresAt?.getTime() ?? null }));
}

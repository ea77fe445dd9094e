import "server-only";
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { auditEvents, firewallRules, ipBlocks, memberships, sshKeys } from "@/db/schema";
import { now } from "@/lib/clock";
import { DAY_MS, type CheckResult } from "./types";

/** Refusals by the organization's own network rules are "recent" for this long. */
export const RECENT_BLOCK_DAYS = 7;
/** An SSH key older than this should be replaced; one unused for this long should be removed. */
export const SSH_KEY_MAX_AGE_DAYS = 365;
export const SSH_KEY_IDLE_DAYS = 90;

export type FirewallFacts = { rules: number; allowRules: number; recentBlocks: number; globalBlocks: number | null };

/**
 * The organization's rules in force and the requests they refused lately (the gate records each as
 * access.denied with reason network_refused). `globalBlocks`, addresses ChargeKeep blocked for every
 * tenant after failed sign-ins, only for operators: those addresses come from all tenants.
 */
export async function firewallFacts(db: Database, organizationId: string, opts: { operator: boolean }): Promise<FirewallFacts> {
  const t = now();
  const since = new Date(t.getTime() - RECENT_BLOCK_DAYS * DAY_MS);
  const [rules] = await db
    .select({ all: sql<number>`count(*)::int`, allow: sql<number>`count(*) filter (where ${firewallRules.action} = 'allow')::int` })
    .from(firewallRules)
    .where(and(eq(firewallRules.organizationId, organizationId), or(isNull(firewallRules.expiresAt), gt(firewallRules.expiresAt, t))));
  const [blocks] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.organizationId, organizationId),
        eq(auditEvents.action, "access.denied"),
        gt(auditEvents.createdAt, since),
        sql`${auditEvents.metadata}->>'reason' = 'network_refused'`,
      ),
    );
  let globalBlocks: number | null = null;
  if (opts.operator) {
    const [g] = await db.select({ n: sql<number>`count(*)::int` }).from(ipBlocks).where(gt(ipBlocks.blockedUntil, t));
    globalBlocks = Number(g?.n ?? 0);
  }
  return { rules: Number(rules?.all ?? 0), allowRules: Number(rules?.allow ?? 0), recentBlocks: Number(blocks?.n ?? 0), globalBlocks };
}

export function firewallCheck(f: FirewallFacts): CheckResult {
  const rules =
    f.rules === 0
      ? "No network rules: members can sign in from any network"
      : `${f.rules} network rule${f.rules === 1 ? "" : "s"}${f.allowRules ? " (an allow-list)" : ""}`;
  const blocks = `${f.recentBlocks} request${f.recentBlocks === 1 ? "" : "s"} refused in the last ${RECENT_BLOCK_DAYS} days`;
  const global = f.globalBlocks === null ? "" : `; ${f.globalBlocks} address${f.globalBlocks === 1 ? "" : "es"} blocked platform-wide after failed sign-ins`;
  return {
    key: "firewall",
    title: "Network rules and recent blocks",
    state: f.rules > 0 ? "ok" : "warning",
    finding: `${rules}; ${blocks}${global}.`,
    why: "Restricting sign-in to your office or VPN networks means a stolen password is useless from anywhere else.",
    fix: { href: "/admin/firewall", label: "Manage network rules", permission: "security:manage" },
  };
}

export type SshKeyFacts = { live: number; old: number; idle: number };

/** Live SSH keys of the organization's members: how many are over a year old, and how many sat unused for 90 days. */
export async function sshKeyFacts(db: Database, organizationId: string): Promise<SshKeyFacts> {
  const t = now().getTime();
  const oldBefore = new Date(t - SSH_KEY_MAX_AGE_DAYS * DAY_MS);
  const idleBefore = new Date(t - SSH_KEY_IDLE_DAYS * DAY_MS);
  const [row] = await db
    .select({
      live: sql<number>`count(*)::int`,
      old: sql<number>`count(*) filter (where ${sshKeys.createdAt} < ${oldBefore.toISOString()}::timestamptz)::int`,
      idle: sql<number>`count(*) filter (where coalesce(${sshKeys.lastUsedAt}, ${sshKeys.createdAt}) < ${idleBefore.toISOString()}::timestamptz)::int`,
    })
    .from(sshKeys)
    .innerJoin(memberships, and(eq(memberships.userId, sshKeys.userId), eq(memberships.organizationId, organizationId)))
    .where(isNull(sshKeys.revokedAt));
  return { live: Number(row?.live ?? 0), old: Number(row?.old ?? 0), idle: Number(row?.idle ?? 0) };
}

export function sshKeysCheck(f: SshKeyFacts): CheckResult {
  const issues = [f.old ? `${f.old} older than a year` : null, f.idle ? `${f.idle} unused for ${SSH_KEY_IDLE_DAYS} days` : null].filter(Boolean);
  return {
    key: "ssh-keys",
    title: "SSH keys for file transfer",
    state: issues.length ? "warning" : "ok",
    finding: f.live === 0 ? "No SSH keys: nobody can use SFTP." : `${f.live} SSH key${f.live === 1 ? "" : "s"}${issues.length ? `: ${issues.join(", ")}.` : ", all recent and in use."}`,
    why: "An old or forgotten key on a lost laptop still opens your organization's files over SFTP.",
    fix: { href: "/settings/ssh-keys", label: "Replace or remove SSH keys", permission: "transfers:use" },
  };
}

export async function networkChecks(db: Database, organizationId: string, opts: { operator: boolean }): Promise<CheckResult[]> {
  const [fw, keys] = await Promise.all([firewallFacts(db, organizationId, opts), sshKeyFacts(db, organizationId)]);
  return [firewallCheck(fw), sshKeysCheck(keys)];
}

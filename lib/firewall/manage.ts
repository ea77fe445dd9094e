import "server-only";
import { z } from "zod";
import { boundaryText, type RequestMeta } from "@/lib/http";
import type { Database } from "@/db";
import { recordAudit, type AuditEventInput } from "@/lib/audit";
import { requireRecentMfa, type SessionContext } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { authorize } from "@/lib/rbac";
import { CidrError, parseCidr } from "./cidr";
import { compileRules, decide, type ActiveRule } from "./rule-set";
import {
  activeRules,
  addFirewallRule,
  expireFirewallRule,
  listFirewallRules,
  REASON_MAX,
  removeFirewallRule,
  type FirewallRule,
  type ListedFirewallRule,
  type RuleScope,
} from "./store";

/**
 * The dashboard's rule changes: organization rules by its owners (security:manage), global rules
 * by ChargeKeep operators. Every change wants a recent second factor (step-up), is refused when it
 * would shut out the caller's own address unless they confirm, and is audited in its transaction.
 */

export const SELF_BLOCK_MESSAGE =
  "This rule would block your own connection, so you would lose access. Tick the box to confirm you mean it.";
export const SELF_BLOCK_END_MESSAGE =
  "Your connection is only let in by this rule, so ending it would lock you out. Tick the box to confirm you mean it.";
export const SELF_BLOCK_UNKNOWN_IP_MESSAGE =
  "We cannot see your IP address, so an allow-list would lock you out. Tick the box to confirm you mean it.";

const expiryField = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    // <input type="datetime-local"> sends "2026-05-01T13:30" without a zone: the form says UTC.
    const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "Enter a date and time, or leave it empty for no expiry." });
      return z.NEVER;
    }
    if (d.getTime() <= now().getTime()) {
      ctx.addIssue({ code: "custom", message: "The expiry must be in the future." });
      return z.NEVER;
    }
    return d;
  });

export const firewallRuleFormSchema = z.object({
  cidr: z
    .string({ error: "Enter an IP address or a network." })
    .trim()
    .min(1, "Enter an IP address or a network such as 203.0.113.0/24 or 2001:db8::/32.")
    .max(100, "That is too long for an IP network.")
    .transform((v, ctx) => {
      try {
        return parseCidr(v, { strict: true }).cidr;
      } catch (e) {
        ctx.addIssue({ code: "custom", message: e instanceof CidrError ? e.message : "That is not an IP network." });
        return z.NEVER;
      }
    }),
  action: z.enum(["allow", "deny"], { error: "Choose allow or deny." }),
  reason: boundaryText({ error: "Say why the rule exists." }).trim().min(1, "Say why the rule exists.").max(REASON_MAX, `Keep the reason under ${REASON_MAX} characters.`),
  expiresAt: expiryField,
  confirmSelfBlock: z.literal("on").optional(),
});
export type FirewallRuleForm = z.infer<typeof firewallRuleFormSchema>;

export type Target = { kind: "organization" } | { kind: "global" };

function scopeFor(ctx: SessionContext, target: Target): RuleScope {
  return target.kind === "global" ? { scope: "global" } : { scope: "organization", organizationId: ctx.organization.id };
}

/** Organization rules: security:manage; global rules: operators only. Then step-up. */
function assertMayManage(ctx: SessionContext, target: Target): void {
  if (target.kind === "global") {
    if (!ctx.user.isOperator) throw forbidden("Only ChargeKeep operators manage global firewall rules.");
  } else {
    authorize(ctx, "security:manage");
  }
  requireRecentMfa(ctx);
}

/**
 * Would the rules in force plus `candidate` refuse `ip` for this scope? (Global scope: everyone;
 * organization scope: that organization's sessions.)
 */
export function wouldBlock(rules: ActiveRule[], candidate: ActiveRule, ip: string | null, organizationId: string | null): boolean {
  const at = now().getTime();
  return !decide(compileRules([...rules, candidate], at), ip, organizationId).allowed;
}

function auditEvent(ctx: SessionContext, meta: RequestMeta, action: "firewall.rule_created" | "firewall.rule_removed", row: FirewallRule, extra: Record<string, string | null>): AuditEventInput {
  return {
    organizationId: row.scope === "organization" ? row.organizationId : null,
    actorUserId: ctx.user.id,
    action,
    result: "success",
    targetType: "firewall_rule",
    targetId: row.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    requestId: meta.requestId,
    metadata: { scope: row.scope, cidr: row.cidr, ruleAction: row.action, expiresAt: row.expiresAt?.toISOString() ?? null, ...extra },
  };
}

/** Adds a rule from the dashboard. Returns the stored (normalised) network. */
export async function createRuleAsAdmin(db: Database, ctx: SessionContext, target: Target, input: FirewallRuleForm, meta: RequestMeta): Promise<{ id: string; cidr: string }> {
  assertMayManage(ctx, target);
  const where = scopeFor(ctx, target);
  const organizationId = where.scope === "organization" ? where.organizationId : null;
  const candidate: ActiveRule = { id: "new", scope: where.scope, organizationId, cidr: input.cidr, action: input.action, expiresAt: input.expiresAt?.getTime() ?? null };
  if (!input.confirmSelfBlock && wouldBlock(await activeRules(db, where), candidate, meta.ip, organizationId)) {
    const message = meta.ip ? SELF_BLOCK_MESSAGE : SELF_BLOCK_UNKNOWN_IP_MESSAGE;
    throw new AppError("firewall_self_block", 409, message, { confirmSelfBlock: message });
  }
  const { id } = await addFirewallRule(
    db,
    { scope: where.scope, organizationId, cidr: input.cidr, action: input.action, reason: input.reason, expiresAt: input.expiresAt, createdBy: ctx.user.id },
    (tx, row) => recordAudit(tx, auditEvent(ctx, meta, "firewall.rule_created", row, { reason: row.reason, selfBlockConfirmed: input.confirmSelfBlock ? "yes" : null })),
  );
  return { id, cidr: input.cidr };
}

/**
 * Would ending `ruleId` shut the caller out? Only an allow rule can: without it, an allow-list that
 * still has other networks may no longer cover the caller's address.
 */
export function wouldBlockWithout(rules: ActiveRule[], ruleId: string, ip: string | null, organizationId: string | null): boolean {
  const at = now().getTime();
  const before = decide(compileRules(rules, at), ip, organizationId).allowed;
  const after = decide(compileRules(rules.filter((r) => r.id !== ruleId), at), ip, organizationId).allowed;
  return before && !after;
}

/** Removes a rule, or ends it now ("expire") and keeps it listed. Another scope's id reads as not found. */
export async function endRuleAsAdmin(
  db: Database,
  ctx: SessionContext,
  target: Target,
  ruleId: string,
  how: "remove" | "expire",
  meta: RequestMeta,
  options: { confirmSelfBlock?: boolean } = {},
): Promise<FirewallRule> {
  assertMayManage(ctx, target);
  const where = { ...scopeFor(ctx, target), id: ruleId };
  const organizationId = where.scope === "organization" ? where.organizationId : null;
  if (!options.confirmSelfBlock && wouldBlockWithout(await activeRules(db, where), ruleId, meta.ip, organizationId)) {
    throw new AppError("firewall_self_block", 409, SELF_BLOCK_END_MESSAGE, { confirmSelfBlock: SELF_BLOCK_END_MESSAGE });
  }
  const audit = (tx: Database, row: FirewallRule) => recordAudit(tx, auditEvent(ctx, meta, "firewall.rule_removed", row, { how }));
  const row = how === "remove" ? await removeFirewallRule(db, where, audit) : await expireFirewallRule(db, where, audit);
  if (!row) throw notFound(how === "remove" ? "That rule" : "That rule in force");
  return row;
}

/** One scope's rules for the dashboard (expired ones too, marked), with the same checks as changes minus step-up. */
export async function listRulesAsAdmin(db: Database, ctx: SessionContext, target: Target): Promise<ListedFirewallRule[]> {
  if (target.kind === "global") {
    if (!ctx.user.isOperator) throw forbidden("Only ChargeKeep operators see global firewall rules.");
  } else {
    authorize(ctx, "security:manage");
  }
  return listFirewallRules(db, scopeFor(ctx, target), { includeExpired: true });
}

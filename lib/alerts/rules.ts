import "server-only";
import { eq, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { alertSettings, totpFactors, users, webauthnCredentials } from "@/db/schema";
import type { AlertSeverity } from "@/db/schema/alerts";
import type { StoredAuditEvent } from "@/lib/audit";
import { deviceKey } from "@/lib/credentials";
import { activeOrganizationIds } from "@/lib/rbac";
import { loadRoleTree } from "@/lib/rbac";
import { effectiveRolePermissions, isAtOrAbove } from "@/lib/rbac";
import { raiseAlert } from "./raise";
import { effectiveRules, type EffectiveRule, type OrganizationRule } from "./thresholds";

/**
 * The velocity rules, evaluated right after each audit event is written (recordAudit calls its
 * subscribers, these through listenToAuditEvents, in a savepoint inside a transaction). Windows are counted in audit_events
 * itself, through the indexes the log already has (organization + actor / ip / action, then
 * created_at), so there is no second copy of the data to keep in step. The current event is
 * already in the table and counts.
 */

const FAILED_SIGN_IN = ["auth.sign_in_failed", "mfa.failed"] as const;
const DEFENSE_SEVERITY: Record<string, AlertSeverity> = {
  "defense.account_locked": "medium",
  "defense.account_suspended": "high",
  "defense.ip_blocked": "critical",
  "defense.account_unlocked": "low",
};
const DEFENSE_TITLE: Record<string, string> = {
  "defense.account_locked": "Account locked after failed sign-ins",
  "defense.account_suspended": "Account suspended after repeated failed sign-ins",
  "defense.ip_blocked": "Address blocked after failed sign-ins across accounts",
  "defense.account_unlocked": "Account unlocked",
};

/** The events the alerting itself records never feed the rules (no recursion, no alert storms about alerts). */
const IGNORED_PREFIXES = ["alert.", "alert_settings.", "webhook."];

export function isRelevant(action: string): boolean {
  if (IGNORED_PREFIXES.some((p) => action.startsWith(p))) return false;
  return (
    (FAILED_SIGN_IN as readonly string[]).includes(action) ||
    action === "auth.sign_in" ||
    action.endsWith(".exported") ||
    action === "member.role_changed" ||
    action === "invitation.accepted" ||
    action.startsWith("bank_connection.") ||
    action === "mfa.totp_removed" ||
    action === "mfa.webauthn_removed" ||
    action === "mfa.reset_by_operator" ||
    action in DEFENSE_SEVERITY ||
    (DEPROVISIONING as readonly string[]).includes(action)
  );
}

type Ctx = { db: Database; event: StoredAuditEvent; org: string | null; rules: Record<OrganizationRule, EffectiveRule> };

export async function evaluateRules(db: Database, event: StoredAuditEvent): Promise<void> {
  if (!isRelevant(event.action)) return;
  // An operator's MFA reset is a platform event: each organization the user belongs to hears of it.
  if (event.action === "mfa.reset_by_operator") {
    const userId = event.targetId ?? null;
    if (!userId) return;
    for (const org of await activeOrganizationIds(db, userId)) {
      const rules = await rulesOf(db, org);
      await oneOff({ db, event, org, rules }, "mfa_disabled", `mfa_disabled:${userId}`, "Two-step verification reset by an operator", `An operator removed every second factor of ${await userLabel(db, userId)}.`);
    }
    return;
  }
  // Cheap refusals before any query (recording stays fast: see bench/audit.ts).
  if ((event.action === "member.role_changed" || event.action === "invitation.accepted") && typeof event.metadata?.roleId !== "string") return;
  const org = event.organizationId ?? null;
  const rules = await rulesOf(db, org);
  const c: Ctx = { db, event, org, rules };
  if ((FAILED_SIGN_IN as readonly string[]).includes(event.action)) return failedSignIns(c);
  if (event.action === "auth.sign_in") return org ? newSignInSource(c) : undefined;
  if (event.action.endsWith(".exported")) return org ? exportBurst(c) : undefined;
  // A senior role can arrive by a role change or with an invitation (the new member is its actor).
  if (event.action === "member.role_changed" || event.action === "invitation.accepted") return org ? privilegeEscalation(c) : undefined;
  if (event.action.startsWith("bank_connection.")) return org ? bankConnectionChanges(c) : undefined;
  if (event.action === "mfa.totp_removed" || event.action === "mfa.webauthn_removed") return org ? mfaRemoved(c) : undefined;
  if (event.action in DEFENSE_SEVERITY) return defenseAction(c);
  if ((DEPROVISIONING as readonly string[]).includes(event.action)) return org ? massDeprovisioning(c) : undefined;
}

/** A directory (SCIM) that suspends many members at once: a mistake upstream or a compromised identity provider. */
const DEPROVISIONING = ["scim.user_deactivated", "scim.user_deleted"] as const;

async function massDeprovisioning(c: Ctx) {
  await counted(c, "mass_deprovisioning", sql`action in ('scim.user_deactivated', 'scim.user_deleted')`, "mass_deprovisioning", "Many members deprovisioned by the directory", (n) =>
    `The directory (SCIM) deactivated or deleted ${n} members within ${c.rules.mass_deprovisioning.windowMinutes} minutes. Check the identity provider; revoke its SCIM token if this was not intended.`,
  );
}

/** Platform events (no organization) use the defaults: operators have no settings page. */
async function rulesOf(db: Database, org: string | null) {
  if (!org) return effectiveRules({});
  const [row] = await db.select({ thresholds: alertSettings.thresholds }).from(alertSettings).where(eq(alertSettings.organizationId, org));
  return effectiveRules(row?.thresholds);
}

const sinceOf = (event: StoredAuditEvent, minutes: number) => new Date(event.createdAt.getTime() - minutes * 60_000).toISOString();
const orgIs = (org: string | null) => (org ? sql`organization_id = ${org}::uuid` : sql`organization_id is null`);

async function count(db: Database, where: ReturnType<typeof sql>): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*) as n from audit_events where ${where}`));
  return Number(row?.n ?? 0);
}

/** Fires a counted rule when the window (ending at this event) holds at least `threshold` matching events. */
async function counted(c: Ctx, rule: OrganizationRule, where: ReturnType<typeof sql>, dedupeKey: string, title: string, detail: (n: number) => string) {
  const r = c.rules[rule];
  if (!r.enabled) return;
  const since = sinceOf(c.event, r.windowMinutes);
  const until = c.event.createdAt.toISOString();
  const n = await count(c.db, sql`${orgIs(c.org)} and created_at > ${since}::timestamptz and created_at <= ${until}::timestamptz and ${where}`);
  if (n < r.threshold) return;
  await raiseAlert(c.db, { organizationId: c.org, rule, severity: r.severity, title, detail: detail(n), dedupeKey, windowMinutes: r.windowMinutes });
}

async function oneOff(c: Ctx, rule: OrganizationRule, dedupeKey: string, title: string, detail: string, severity?: AlertSeverity) {
  const r = c.rules[rule];
  if (!r.enabled) return;
  await raiseAlert(c.db, { organizationId: c.org, rule, severity: severity ?? r.severity, title, detail, dedupeKey, windowMinutes: r.windowMinutes });
}

const failedActions = sql`action in ('auth.sign_in_failed', 'mfa.failed')`;

async function failedSignIns(c: Ctx) {
  const { event } = c;
  const userId = event.actorUserId ?? (event.targetType === "user" ? (event.targetId ?? null) : null);
  const win = (rule: OrganizationRule) => `${c.rules[rule].windowMinutes} minutes`;
  if (userId) {
    const who = await userLabel(c.db, userId);
    await counted(c, "failed_sign_in_user", sql`actor_user_id = ${userId}::uuid and ${failedActions}`, `failed_sign_in_user:${userId}`, "Failed sign-ins for one member", (n) =>
      `${n} failed sign-ins or second factors for ${who} within ${win("failed_sign_in_user")}.`,
    );
  }
  if (event.ip) {
    await counted(c, "failed_sign_in_ip", sql`ip = ${event.ip} and ${failedActions}`, `failed_sign_in_ip:${event.ip}`, `Failed sign-ins from ${event.ip}`, (n) =>
      `${n} failed sign-ins or second factors from ${event.ip} within ${win("failed_sign_in_ip")}.`,
    );
  }
  await counted(c, "failed_sign_in_org", failedActions, "failed_sign_in_org", c.org ? "Failed sign-ins across the organization" : "Failed sign-ins across the platform", (n) =>
    `${n} failed sign-ins or second factors within ${win("failed_sign_in_org")}.`,
  );
}

export { deviceKey } from "@/lib/credentials";

async function newSignInSource(c: Ctx) {
  const { event } = c;
  const userId = event.actorUserId;
  if (!userId || event.result !== "success") return;
  // The user's earlier sign-ins, every organization (the actor index): the first one ever is not news.
  const earlier = rowsOf<{ ip: string | null; user_agent: string | null }>(
    await c.db.execute(sql`
      select ip, user_agent from audit_events
      where actor_user_id = ${userId}::uuid and action = 'auth.sign_in' and result = 'success' and id <> ${event.id}::uuid
        and created_at <= ${event.createdAt.toISOString()}::timestamptz
      order by created_at desc limit 500`),
  );
  if (earlier.length === 0) return;
  const who = await userLabel(c.db, userId);
  if (event.ip && !earlier.some((e) => e.ip === event.ip)) {
    await oneOff(c, "new_sign_in_ip", `new_sign_in_ip:${userId}:${event.ip}`, "Sign-in from a new address", `${who} signed in from ${event.ip}, an address they never signed in from before.`);
  }
  const device = deviceKey(event.userAgent);
  if (device && !earlier.some((e) => deviceKey(e.user_agent) === device)) {
    const [browser, os] = device.split("|");
    await oneOff(c, "new_sign_in_device", `new_sign_in_device:${userId}:${device}`, "Sign-in from a new device", `${who} signed in with ${browser || "an unknown browser"} on ${os || "an unknown system"} for the first time.`);
  }
}

async function exportBurst(c: Ctx) {
  const actor = c.event.actorUserId;
  if (!actor) return;
  const who = await userLabel(c.db, actor);
  await counted(c, "export_burst", sql`actor_user_id = ${actor}::uuid and action like '%.exported'`, `export_burst:${actor}`, "Export burst", (n) =>
    `${n} exports by ${who} within ${c.rules.export_burst.windowMinutes} minutes.`,
  );
}

/**
 * "Above Member": the role sits above the built-in Member role in the tree, or holds any
 * permission Member does not (a custom role beside Member can still grant admin powers).
 */
async function privilegeEscalation(c: Ctx) {
  const roleId = c.event.metadata?.roleId;
  if (typeof roleId !== "string" || !c.org) return;
  const tree = await loadRoleTree(c.db, c.org);
  const role = tree.find((r) => r.id === roleId);
  if (!role) return;
  const member = tree.find((r) => r.key === "member");
  const memberPerms = member ? effectiveRolePermissions(tree, member.id) : new Set<string>(["reports:read", "members:read", "roles:read", "dashboard:read", "bank_connections:read"]);
  const above = member ? role.id !== member.id && isAtOrAbove(tree, role.id, member.id) : false;
  const extra = [...effectiveRolePermissions(tree, role.id)].filter((p) => !memberPerms.has(p));
  if (!above && extra.length === 0) return;
  const target = (c.event.action === "invitation.accepted" ? c.event.actorUserId : c.event.targetId) ?? "a member";
  const who = target === "a member" ? target : await userLabel(c.db, target);
  await oneOff(c, "privilege_escalation", `privilege_escalation:${target}:${role.id}`, `Role ${role.name} granted`, `${who} was given the role ${role.name}, above Member (${extra.length} more permission${extra.length === 1 ? "" : "s"}).`);
}

async function bankConnectionChanges(c: Ctx) {
  await counted(c, "bank_connection_changes", sql`action >= 'bank_connection.' and action < 'bank_connection/'`, "bank_connection_changes", "Many bank connection changes", (n) =>
    `${n} bank connection changes within ${c.rules.bank_connection_changes.windowMinutes} minutes.`,
  );
}

async function mfaRemoved(c: Ctx) {
  const userId = c.event.targetId ?? c.event.actorUserId;
  if (!userId) return;
  const [totp] = await c.db.select({ id: totpFactors.id }).from(totpFactors).where(eq(totpFactors.userId, userId)).limit(1);
  const [key] = await c.db.select({ id: webauthnCredentials.id }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).limit(1);
  if (totp || key) return; // another factor remains: MFA is still on
  await oneOff(c, "mfa_disabled", `mfa_disabled:${userId}`, "Two-step verification turned off", `${await userLabel(c.db, userId)} removed their last second factor.`);
}

async function defenseAction(c: Ctx) {
  const subject = c.event.targetId ?? c.event.ip ?? "unknown";
  const who = c.event.targetType === "user" && c.event.targetId ? await userLabel(c.db, c.event.targetId) : subject;
  await oneOff(c, "brute_force_defense", `${c.event.action}:${subject}`, DEFENSE_TITLE[c.event.action]!, `${DEFENSE_TITLE[c.event.action]}: ${who}.`, DEFENSE_SEVERITY[c.event.action]);
}

/** The member's e-mail address for the alert text (read by the organization's own security contacts). */
async function userLabel(db: Database, userId: string): Promise<string> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return userId;
  const [u] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return u?.email ?? userId;
}

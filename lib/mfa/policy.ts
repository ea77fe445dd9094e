import "server-only";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import {
  groupMembers,
  groupRoles,
  groups,
  memberships,
  MFA_POLICIES,
  organizationMfaPolicies,
  organizationMfaRoles,
  totpFactors,
  webauthnCredentials,
  type MfaPolicy,
} from "@/db/schema";
import type { SessionContext } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { notFound } from "@/lib/errors";
import { parseOrThrow, type RequestMeta } from "@/lib/http";
import { authorize, isAtOrAbove, loadRoleTree, memberRowsQuery, type RoleNode } from "@/lib/rbac";
import { recordMfaEvent } from "./events";
import { requireRecentMfa } from "@/lib/credentials";

/**
 * The organization's MFA policy (owner only: security:manage): nobody, everyone, or members
 * holding chosen roles must use a second factor; members without one get a grace period, then
 * reach only the enrolment page (the gate enforces that through SessionContext.mfa.mustEnrol).
 */

export const GRACE_DAYS_MAX = 90;
export const GRACE_DAYS_DEFAULT = 7;
const DAY_MS = 86_400_000;

export const mfaPolicyInputSchema = z
  .object({
    policy: z.enum(MFA_POLICIES, { error: "Choose who must use two-step verification." }),
    // From a form the days arrive as text; an emptied field is an error, not a silent 0.
    graceDays: z
      .preprocess(
        (v) => (typeof v === "string" ? (v.trim() === "" ? Number.NaN : Number(v)) : v),
        z
          .number({ error: "Enter a number of days from 0 to 90." })
          .int("Enter a whole number of days.")
          .min(0, "Use 0 to 90 days.")
          .max(GRACE_DAYS_MAX, "Use 0 to 90 days."),
      )
      .default(GRACE_DAYS_DEFAULT),
    roleIds: z.array(z.uuid({ error: "Unknown role." })).max(100).default([]),
  })
  .superRefine((v, issue) => {
    if (v.policy === "roles" && v.roleIds.length === 0) {
      issue.addIssue({ code: "custom", path: ["roleIds"], message: "Choose at least one role, or require it of everyone." });
    }
  });

export type MfaPolicyInput = z.input<typeof mfaPolicyInputSchema>;

export type OrganizationMfaPolicy = { policy: MfaPolicy; graceDays: number; since: Date | null; roleIds: string[] };

/** The organization's policy; no row reads as "off". */
export async function getMfaPolicy(db: Database, organizationId: string): Promise<OrganizationMfaPolicy> {
  const [row] = await db.select().from(organizationMfaPolicies).where(eq(organizationMfaPolicies.organizationId, organizationId));
  const chosen = await db
    .select({ roleId: organizationMfaRoles.roleId })
    .from(organizationMfaRoles)
    .where(eq(organizationMfaRoles.organizationId, organizationId));
  return {
    policy: row?.policy ?? "off",
    graceDays: row?.graceDays ?? GRACE_DAYS_DEFAULT,
    since: row?.since ?? null,
    roleIds: chosen.map((r) => r.roleId),
  };
}

/** Roles a "roles" policy covers: each chosen role and every role above it in the tree. */
export function coveredRoleIds(tree: readonly RoleNode[], chosen: readonly string[]): Set<string> {
  return new Set(tree.filter((r) => chosen.some((c) => isAtOrAbove(tree, r.id, c))).map((r) => r.id));
}

/**
 * Does the new policy cover someone the old one did not? Only then does the grace period start
 * again (`since` moves to now): off -> anything, roles -> all, or a role added whose members were
 * not covered yet. Re-saving, loosening, or changing only the grace days keeps `since`, so an
 * owner who edits the page does not hand every late member a fresh grace period.
 */
export function becomesStricter(
  tree: readonly RoleNode[],
  before: Pick<OrganizationMfaPolicy, "policy" | "roleIds">,
  after: Pick<OrganizationMfaPolicy, "policy" | "roleIds">,
): boolean {
  if (after.policy === "off") return false;
  if (before.policy === "off") return true;
  if (after.policy === "all") return before.policy !== "all";
  if (before.policy === "all") return false;
  const old = coveredRoleIds(tree, before.roleIds);
  return [...coveredRoleIds(tree, after.roleIds)].some((id) => !old.has(id));
}

/**
 * Saves the policy and its roles in one transaction. Tenant from the session only; every role id
 * must be one of this organization's roles (another tenant's reads as not found). Changing who
 * must use MFA is sensitive: it wants a fresh second factor.
 */
export async function saveMfaPolicy(db: Database, ctx: SessionContext, input: MfaPolicyInput, meta: RequestMeta): Promise<OrganizationMfaPolicy> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  const data = parseOrThrow(mfaPolicyInputSchema, input);
  const organizationId = ctx.organization.id;
  const roleIds = data.policy === "roles" ? [...new Set(data.roleIds)] : [];
  return db.transaction(async (tx) => {
    const tree = await loadRoleTree(tx, organizationId);
    for (const id of roleIds) if (!tree.some((r) => r.id === id)) throw notFound("That role");
    const before = await getMfaPolicy(tx, organizationId);
    const t = now();
    const since = becomesStricter(tree, before, { policy: data.policy, roleIds }) || !before.since ? t : before.since;
    await tx
      .insert(organizationMfaPolicies)
      .values({ organizationId, policy: data.policy, graceDays: data.graceDays, since, updatedAt: t })
      .onConflictDoUpdate({ target: organizationMfaPolicies.organizationId, set: { policy: data.policy, graceDays: data.graceDays, since, updatedAt: t } });
    await tx.delete(organizationMfaRoles).where(eq(organizationMfaRoles.organizationId, organizationId));
    if (roleIds.length) await tx.insert(organizationMfaRoles).values(roleIds.map((roleId) => ({ organizationId, roleId })));
    await recordMfaEvent(tx, { userId: ctx.user.id, organizationId, meta }, { action: "mfa.policy_changed", policy: data.policy, graceDays: data.graceDays });
    return { policy: data.policy, graceDays: data.graceDays, since, roleIds };
  });
}

/** When a member must have enrolled: grace runs from the policy's start, or from joining if later. */
export function enrolmentDeadline(policy: Pick<OrganizationMfaPolicy, "graceDays" | "since">, memberSince: Date): Date | null {
  if (!policy.since) return null;
  return new Date(Math.max(policy.since.getTime(), memberSince.getTime()) + policy.graceDays * DAY_MS);
}

export type MemberMfaStatus = {
  userId: string;
  name: string;
  email: string;
  roleId: string;
  roleName: string;
  status: "active" | "suspended";
  joinedAt: Date;
  totp: boolean;
  /** Security keys that are not passkeys (need a password first). */
  securityKeys: number;
  passkeys: number;
  enrolled: boolean;
  /** The policy covers this member (own role or a group's role). */
  required: boolean;
  /** Null when not required. */
  enrolBy: Date | null;
  /** Required, not enrolled, deadline passed: they reach only the Security page. */
  overdue: boolean;
};

/**
 * Every member of the organization (or only `userIds`) with their second factors and where the
 * policy leaves them: the policy page and the admin member pages read this one query. The caller
 * authorizes; the organization id comes from its session.
 */
export async function memberMfaStatus(db: Database, organizationId: string, opts: { userIds?: readonly string[] } = {}): Promise<MemberMfaStatus[]> {
  if (opts.userIds && opts.userIds.length === 0) return [];
  const only = opts.userIds ? inArray(memberships.userId, [...opts.userIds]) : undefined;
  const rows = await memberRowsQuery(db, organizationId, only);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.userId);

  const totp = new Set(
    (
      await db
        .select({ userId: totpFactors.userId })
        .from(totpFactors)
        .where(and(inArray(totpFactors.userId, ids), isNotNull(totpFactors.confirmedAt)))
    ).map((r) => r.userId),
  );
  const keys = new Map(
    (
      await db
        .select({
          userId: webauthnCredentials.userId,
          passkeys: sql<number>`count(*) filter (where ${webauthnCredentials.discoverable})::int`,
          securityKeys: sql<number>`count(*) filter (where not ${webauthnCredentials.discoverable})::int`,
        })
        .from(webauthnCredentials)
        .where(inArray(webauthnCredentials.userId, ids))
        .groupBy(webauthnCredentials.userId)
    ).map((r) => [r.userId, { passkeys: Number(r.passkeys), securityKeys: Number(r.securityKeys) }]),
  );

  const policy = await getMfaPolicy(db, organizationId);
  let covers: (userId: string, roleId: string) => boolean = () => policy.policy === "all";
  if (policy.policy === "roles") {
    // Same rule as the session query: a member is covered when their own role or one of their
    // groups' roles sits at or above a chosen role.
    const covered = coveredRoleIds(await loadRoleTree(db, organizationId), policy.roleIds);
    const viaGroups = await db
      .select({ userId: groupMembers.userId, roleId: groupRoles.roleId })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .innerJoin(groupRoles, eq(groupRoles.groupId, groupMembers.groupId))
      .where(and(eq(groups.organizationId, organizationId), inArray(groupMembers.userId, ids)));
    covers = (userId, roleId) => covered.has(roleId) || viaGroups.some((g) => g.userId === userId && covered.has(g.roleId));
  }

  const t = now().getTime();
  return rows.map((r) => {
    const k = keys.get(r.userId) ?? { passkeys: 0, securityKeys: 0 };
    const enrolled = totp.has(r.userId) || k.passkeys + k.securityKeys > 0;
    const required = policy.policy !== "off" && covers(r.userId, r.roleId);
    const enrolBy = required ? enrolmentDeadline(policy, r.joinedAt) : null;
    return {
      ...r,
      totp: totp.has(r.userId),
      securityKeys: k.securityKeys,
      passkeys: k.passkeys,
      enrolled,
      required,
      enrolBy,
      overdue: Boolean(required && !enrolled && enrolBy && t >= enrolBy.getTime()),
    };
  });
}

/** "Authenticator app, 2 security keys, 1 passkey" or "None": how the pages describe a member's factors. */
export function describeFactors(s: Pick<MemberMfaStatus, "totp" | "securityKeys" | "passkeys">): string {
  const parts: string[] = [];
  if (s.totp) parts.push("Authenticator app");
  if (s.securityKeys) parts.push(s.securityKeys === 1 ? "1 security key" : `${s.securityKeys} security keys`);
  if (s.passkeys) parts.push(s.passkeys === 1 ? "1 passkey" : `${s.passkeys} passkeys`);
  return parts.length ? parts.join(", ") : "None";
}

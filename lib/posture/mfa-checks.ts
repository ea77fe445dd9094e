import "server-only";
import type { Database } from "@/db";
import { getMfaPolicy, memberMfaStatus, type MemberMfaStatus } from "@/lib/mfa";
import { isAtOrAbove, loadRoleTree } from "@/lib/rbac";
import type { CheckResult } from "./types";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Active members only: a suspended member cannot sign in, so their factors do not protect anything today. */
async function activeMembers(db: Database, organizationId: string): Promise<MemberMfaStatus[]> {
  return (await memberMfaStatus(db, organizationId)).filter((m) => m.status === "active");
}

/** Members with any second factor out of all active members. */
export function mfaAdoption(members: readonly MemberMfaStatus[]): CheckResult {
  const enrolled = members.filter((m) => m.enrolled).length;
  const total = members.length;
  const share = total === 0 ? 1 : enrolled / total;
  return {
    key: "mfa-adoption",
    title: "Two-step verification adoption",
    state: share === 1 ? "ok" : share >= 0.5 ? "warning" : "failing",
    finding: `${enrolled} of ${plural(total, "active member")} ${total === 1 ? "uses" : "use"} a second factor.`,
    why: "A password alone is stolen by phishing or reuse; a second factor stops most account takeovers.",
    fix: { href: "/settings/mfa-policy", label: "Require two-step verification", permission: "security:manage" },
  };
}

/** Members the policy covers whose grace period is over and who still have no factor. */
export function mfaDeadline(members: readonly MemberMfaStatus[], policy: "off" | "all" | "roles"): CheckResult {
  const overdue = members.filter((m) => m.overdue).length;
  const pending = members.filter((m) => m.required && !m.enrolled && !m.overdue).length;
  const base = {
    key: "mfa-deadline",
    title: "Members past the MFA policy deadline",
    why: "A member past the deadline is one stolen password away from an account takeover, and can reach nothing but the Security page until they enrol.",
  };
  if (policy === "off") {
    return {
      ...base,
      state: "warning",
      finding: "No policy: nobody is required to use two-step verification.",
      fix: { href: "/settings/mfa-policy", label: "Set an MFA policy", permission: "security:manage" },
    };
  }
  if (overdue > 0) {
    return {
      ...base,
      state: "failing",
      finding: `${plural(overdue, "member")} ${overdue === 1 ? "is" : "are"} past the policy deadline without a second factor.`,
      fix: { href: "/settings/mfa-policy", label: "See who is overdue", permission: "security:manage" },
    };
  }
  return {
    ...base,
    state: "ok",
    finding: pending > 0 ? `Nobody is past the deadline; ${plural(pending, "member")} still within the grace period.` : "Everyone the policy covers has a second factor.",
    fix: { href: "/settings/mfa-policy", label: "Review the MFA policy", permission: "security:manage" },
  };
}

/**
 * Owners and admins (own role at or above the built-in Admin role) without a WebAuthn credential: a
 * passkey or security key is bound to the site's origin, so a phishing page cannot relay it the way
 * it relays a code.
 */
export function adminPhishingResistant(members: readonly MemberMfaStatus[], isSenior: (roleId: string) => boolean): CheckResult {
  const seniors = members.filter((m) => isSenior(m.roleId));
  const without = seniors.filter((m) => m.passkeys + m.securityKeys === 0);
  const noFactor = without.filter((m) => !m.enrolled).length;
  return {
    key: "admin-phishing-resistant",
    title: "Owners and admins with a passkey or security key",
    state: without.length === 0 ? "ok" : noFactor > 0 ? "failing" : "warning",
    finding:
      without.length === 0
        ? `All ${plural(seniors.length, "owner or admin", "owners and admins")} use a passkey or security key.`
        : `${without.length} of ${plural(seniors.length, "owner or admin", "owners and admins")} ${without.length === 1 ? "has" : "have"} no passkey or security key${noFactor ? ` (${noFactor} no second factor at all)` : ""}.`,
    why: "Codes from an app can be phished and relayed; a passkey or security key only answers the real ChargeKeep, and these accounts can change everything.",
    fix: { href: "/settings/security", label: "Add a passkey or security key", permission: null },
  };
}

/** The three MFA items from one read of the members and their factors. */
export async function mfaChecks(db: Database, organizationId: string): Promise<CheckResult[]> {
  const [members, policy, tree] = await Promise.all([activeMembers(db, organizationId), getMfaPolicy(db, organizationId), loadRoleTree(db, organizationId)]);
  const adminRole = tree.find((r) => r.builtIn && r.key === "admin");
  const isSenior = (roleId: string) => (adminRole ? isAtOrAbove(tree, roleId, adminRole.id) : tree.find((r) => r.id === roleId)?.key === "owner");
  return [mfaAdoption(members), mfaDeadline(members, policy.policy), adminPhishingResistant(members, isSenior)];
}

import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { now } from "@/lib/clock";
import { sessionLimits, type MfaState, type SessionContext, type SessionStage } from "@/lib/credentials";
import { sha256Hex } from "@/lib/crypto";
import { effectiveRoleTree, grantedPermissions, treePermissionsSql } from "@/lib/rbac";

/** Only write last_seen_at once a minute: the idle timeout needs no finer grain, and reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

type Row = {
  id: string;
  user_id: string;
  organization_id: string;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  rotation_pending: boolean;
  via_sso: boolean;
  mfa_verified_at: Date | string | null;
  member_since: Date | string;
  mfa_enrolled: boolean;
  mfa_policy: string | null;
  mfa_policy_since: Date | string | null;
  mfa_grace_days: number | null;
  mfa_role_required: boolean;
  email: string;
  name: string;
  is_operator: boolean;
  role_id: string;
  role_name: string;
  role_key: string | null;
  organization_name: string;
  permissions: string[] | string | null;
};

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/**
 * The per-request check, in ONE round trip: the session must exist, be within its absolute
 * lifetime and idle timeout, and its user must still be an active member of its organization.
 * The same statement computes the effective permissions (lib/rbac's effectiveRoleTree: own role +
 * group roles, each with every role below it in the tree), so a role change applies on the member's
 * very next request, and
 * refreshes last_seen_at (at most once a minute). A session only answers for its own stage: an
 * MFA-pending session is never accepted where a full one is needed, and the other way round.
 */
export async function validateSessionToken(db: Database, token: string, stage: SessionStage = "full"): Promise<SessionContext | null> {
  if (!token || token.length > 100) return null;
  const id = sha256Hex(token);
  const now_ = now();
  const { idleMs } = sessionLimits();
  // Raw SQL gets ISO strings with casts: postgres.js does not serialize Date parameters here.
  const t = sql`${now_.toISOString()}::timestamptz`;
  const idleCutoff = sql`${new Date(now_.getTime() - idleMs).toISOString()}::timestamptz`;
  const touchCutoff = sql`${new Date(now_.getTime() - TOUCH_EVERY_MS).toISOString()}::timestamptz`;
  const rows = await queryRows<Row>(db, sql`
    with recursive s as (
      select s.id, s.user_id, s.organization_id, s.created_at, s.last_seen_at, s.expires_at, s.rotation_pending, s.via_sso,
             s.mfa_verified_at, m.created_at as member_since,
             u.email, u.name, u.is_operator, m.role_id, r.name as role_name, r.key as role_key,
             o.name as organization_name,
             (exists (select 1 from totp_factors tf where tf.user_id = s.user_id and tf.confirmed_at is not null)
               or exists (select 1 from webauthn_credentials wc where wc.user_id = s.user_id)
               -- single sign-on whose IdP MFA the organization accepts (lib/sso): the second factor is the IdP's
               or (s.via_sso and s.mfa_verified_at is not null)) as mfa_enrolled,
             p.policy as mfa_policy, p.since as mfa_policy_since, p.grace_days as mfa_grace_days
      from sessions s
      join users u on u.id = s.user_id
      join memberships m on m.user_id = s.user_id and m.organization_id = s.organization_id and m.status = 'active'
      join roles r on r.id = m.role_id
      join organizations o on o.id = s.organization_id
      left join organization_mfa_policies p on p.organization_id = s.organization_id
      where s.id = ${id} and s.mfa_pending = ${stage === "mfa_pending"}
        and s.expires_at > ${t} and s.last_seen_at > ${idleCutoff}
    ), ${effectiveRoleTree({ ownRoleFrom: sql`s`, userId: sql`(select user_id from s)`, organizationId: sql`(select organization_id from s)` })},
    touched as (
      update sessions set last_seen_at = ${t}
      where id = ${id} and last_seen_at < ${touchCutoff} and exists (select 1 from s)
      returning id
    )
    select s.*, ${treePermissionsSql} as permissions,
      exists (select 1 from organization_mfa_roles mr where mr.organization_id = s.organization_id and mr.role_id in (select role_id from tree)) as mfa_role_required
    from s`);
  const row = rows[0];
  if (!row) return null;
  return {
    session: {
      id: row.id,
      createdAt: asDate(row.created_at),
      lastSeenAt: asDate(row.last_seen_at),
      expiresAt: asDate(row.expires_at),
      rotationPending: row.rotation_pending,
      viaSso: row.via_sso,
    },
    mfa: mfaStateOf(row, now_),
    user: { id: row.user_id, email: row.email, name: row.name, isOperator: row.is_operator },
    organization: { id: row.organization_id, name: row.organization_name, roleId: row.role_id, roleName: row.role_name, roleKey: row.role_key },
    permissions: grantedPermissions(row.permissions),
  };
}

function mfaStateOf(row: Row, at: Date): MfaState {
  const enrolled = Boolean(row.mfa_enrolled);
  const verifiedAt = row.mfa_verified_at ? asDate(row.mfa_verified_at) : null;
  const required = row.mfa_policy === "all" || (row.mfa_policy === "roles" && Boolean(row.mfa_role_required));
  if (!required || !row.mfa_policy_since) return { enrolled, verifiedAt, required: false, enrolBy: null, mustEnrol: false };
  // Grace runs from the policy's start, or from joining for members who arrive later.
  const start = Math.max(asDate(row.mfa_policy_since).getTime(), asDate(row.member_since).getTime());
  const enrolBy = new Date(start + (row.mfa_grace_days ?? 0) * 86_400_000);
  return { enrolled, verifiedAt, required, enrolBy, mustEnrol: !enrolled && at.getTime() >= enrolBy.getTime() };
}

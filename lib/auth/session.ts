import "server-only";
import { and, desc, eq, lt, ne, or, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { sessions } from "@/db/schema";
import { now } from "@/lib/clock";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { env } from "@/lib/env";
import { isPermission, type Permission } from "@/lib/rbac/permissions";

export type SessionContext = {
  session: { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; rotationPending: boolean };
  mfa: MfaState;
  user: { id: string; email: string; name: string; isOperator: boolean };
  organization: { id: string; name: string; roleId: string; roleName: string; roleKey: string | null };
  /** Effective permissions in the active organization, computed fresh on every request. */
  permissions: ReadonlySet<Permission>;
};

/**
 * The session's second-factor standing, computed with the session in the same statement.
 * `mustEnrol`: the organization requires MFA of this member, the grace period is over and they
 * have no factor; such a session reaches only the enrolment page and sign-out.
 */
export type MfaState = {
  /** Has a confirmed authenticator app or at least one security key / passkey. */
  enrolled: boolean;
  verifiedAt: Date | null;
  /** The organization's policy covers this member. */
  required: boolean;
  /** When the grace period ends (null when not required). */
  enrolBy: Date | null;
  mustEnrol: boolean;
};

export type SessionStage = "full" | "mfa_pending";

type Meta = { ip: string | null; userAgent: string | null };

/** A password-only session lives just long enough to type a code. */
export const MFA_PENDING_LIFETIME_MS = 10 * 60_000;

/** Only write last_seen_at once a minute: the idle timeout needs no finer grain, and reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

function limits() {
  const e = env();
  return { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000 };
}

export async function createSession(
  db: Database,
  input: { userId: string; organizationId: string; stage?: SessionStage; mfaVerified?: boolean; viaSso?: boolean } & Meta,
): Promise<{ token: string; sessionId: string }> {
  const token = randomToken();
  const id = sha256Hex(token);
  const t = now();
  const pending = input.stage === "mfa_pending";
  await db.insert(sessions).values({
    id,
    userId: input.userId,
    organizationId: input.organizationId,
    createdAt: t,
    lastSeenAt: t,
    expiresAt: new Date(t.getTime() + (pending ? MFA_PENDING_LIFETIME_MS : limits().absoluteMs)),
    ip: input.ip,
    userAgent: input.userAgent,
    mfaPending: pending,
    mfaVerifiedAt: input.mfaVerified ? t : null,
    viaSso: input.viaSso ?? false,
  });
  return { token, sessionId: id };
}

type Row = {
  id: string;
  user_id: string;
  organization_id: string;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  rotation_pending: boolean;
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
 * The same statement computes the effective permissions (own role + group roles, each with every
 * role below it in the tree), so a role change applies on the member's very next request, and
 * refreshes last_seen_at (at most once a minute). A session only answers for its own stage: an
 * MFA-pending session is never accepted where a full one is needed, and the other way round.
 */
export async function validateSessionToken(db: Database, token: string, stage: SessionStage = "full"): Promise<SessionContext | null> {
  if (!token || token.length > 100) return null;
  const id = sha256Hex(token);
  const now_ = now();
  const { idleMs } = limits();
  // Raw SQL gets ISO strings with casts: postgres.js does not serialize Date parameters here.
  const t = sql`${now_.toISOString()}::timestamptz`;
  const idleCutoff = sql`${new Date(now_.getTime() - idleMs).toISOString()}::timestamptz`;
  const touchCutoff = sql`${new Date(now_.getTime() - TOUCH_EVERY_MS).toISOString()}::timestamptz`;
  const rows = await queryRows<Row>(db, sql`
    with recursive s as (
      select s.id, s.user_id, s.organization_id, s.created_at, s.last_seen_at, s.expires_at, s.rotation_pending,
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
    ), held(id) as (
      select role_id from s
      union
      select gr.role_id from group_members gm
      join groups g on g.id = gm.group_id
      join group_roles gr on gr.group_id = gm.group_id
      where gm.user_id = (select user_id from s) and g.organization_id = (select organization_id from s)
    ), tree(id) as (
      select id from held
      union
      select r.id from roles r join tree on r.parent_id = tree.id
    ), touched as (
      update sessions set last_seen_at = ${t}
      where id = ${id} and last_seen_at < ${touchCutoff} and exists (select 1 from s)
      returning id
    )
    select s.*, (select json_agg(distinct rp.permission) from role_permissions rp where rp.role_id in (select id from tree)) as permissions,
      exists (select 1 from organization_mfa_roles mr where mr.organization_id = s.organization_id and mr.role_id in (select id from tree)) as mfa_role_required
    from s`);
  const row = rows[0];
  if (!row) return null;
  const granted = typeof row.permissions === "string" ? (JSON.parse(row.permissions) as string[]) : (row.permissions ?? []);
  return {
    session: {
      id: row.id,
      createdAt: asDate(row.created_at),
      lastSeenAt: asDate(row.last_seen_at),
      expiresAt: asDate(row.expires_at),
      rotationPending: row.rotation_pending,
    },
    mfa: mfaStateOf(row, now_),
    user: { id: row.user_id, email: row.email, name: row.name, isOperator: row.is_operator },
    organization: { id: row.organization_id, name: row.organization_name, roleId: row.role_id, roleName: row.role_name, roleKey: row.role_key },
    // Unknown strings in the table (a permission removed from the catalogue) grant nothing.
    permissions: new Set(granted.filter(isPermission)),
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

/** New id for the same session (privilege or context change): the old token stops working. */
export async function rotateSession(
  db: Database,
  sessionId: string,
  changes: { organizationId?: string; mfaPending?: false; mfaVerifiedAt?: Date; expiresAt?: Date; lastSeenAt?: Date } = {},
) {
  const token = randomToken();
  const id = sha256Hex(token);
  const updated = await db
    .update(sessions)
    .set({ id, rotationPending: false, ...changes })
    .where(eq(sessions.id, sessionId))
    .returning({ id: sessions.id });
  if (updated.length !== 1) return null;
  return { token, sessionId: id };
}

/** Someone changed this user's privileges: each of their sessions gets a new id on its next request. */
export async function markSessionsForRotation(db: Database, userId: string): Promise<void> {
  await db.update(sessions).set({ rotationPending: true }).where(eq(sessions.userId, userId));
}

export async function revokeSession(db: Database, userId: string, sessionId: string): Promise<boolean> {
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Sign-in from a browser that still holds a session replaces it: the old token dies. */
export async function revokeSessionByToken(db: Database, token: string | undefined): Promise<void> {
  if (!token || token.length > 100) return;
  await db.delete(sessions).where(eq(sessions.id, sha256Hex(token)));
}

export async function revokeOtherSessions(db: Database, userId: string, keepSessionId: string): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    .returning({ id: sessions.id });
  return deleted.length;
}

export async function revokeAllSessions(db: Database, userId: string): Promise<number> {
  const deleted = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return deleted.length;
}

/** Drop a user's dead rows so the session list only shows live browsers. */
export async function pruneExpiredSessions(db: Database, userId: string): Promise<void> {
  const t = now();
  await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        or(lt(sessions.expiresAt, t), lt(sessions.lastSeenAt, new Date(t.getTime() - limits().idleMs))),
      ),
    );
}

export async function listSessions(db: Database, userId: string) {
  await pruneExpiredSessions(db, userId);
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.lastSeenAt));
}

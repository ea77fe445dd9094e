import "server-only";
import { z } from "zod";
import { and, count, eq, ilike, inArray, or } from "drizzle-orm";
import type { Database } from "@/db";
import { groupMembers, groups, memberships, sessions, users } from "@/db/schema";
import { issueAuthToken, markSessionsForRotation, revokeAllSessions, TOKEN_MINUTES, type SessionContext } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { badRequest, notFound } from "@/lib/errors";
import { assertStorableText, boundaryText } from "@/lib/http";
import { passwordResetMail, sendMail } from "@/lib/mail";
import { authorize } from "./authorize";
import { recordRbacEvent, requireStepUpForSensitiveChange } from "./sensitive-change";
import { assertCanGrantRoles, assertNotAbove, assertNotLastOwner } from "./rules";
import { loadRoleTree } from "./tree-queries";
import { memberRowsQuery } from "./member-rows";

export const MEMBERS_PAGE_SIZE = 25;

/** The member list's query string (?q=&page=): free text by the boundary rule; a bad page number means page 1. */
export const memberSearchSchema = z.object({
  q: boundaryText().trim().max(100, "Search for at most 100 characters.").default(""),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

/** Members of the session's organization, searchable by name or e-mail, one page at a time. */
export async function listMembers(db: Database, ctx: SessionContext, opts: { search?: string; page?: number } = {}) {
  authorize(ctx, "members:read");
  const page = Math.max(1, Math.min(opts.page ?? 1, 10_000));
  const term = opts.search === undefined ? undefined : assertStorableText(opts.search.trim(), "q").slice(0, 100);
  const pattern = term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const search = pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined;
  const rows = await memberRowsQuery(db, ctx.organization.id, search)
    .limit(MEMBERS_PAGE_SIZE)
    .offset((page - 1) * MEMBERS_PAGE_SIZE);
  const [total] = await db
    .select({ n: count() })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, ctx.organization.id), search));
  const groupRows = rows.length
    ? await db
        .select({ userId: groupMembers.userId, name: groups.name })
        .from(groupMembers)
        .innerJoin(groups, eq(groups.id, groupMembers.groupId))
        .where(and(eq(groups.organizationId, ctx.organization.id), inArray(groupMembers.userId, rows.map((r) => r.userId))))
    : [];
  return {
    page,
    pageSize: MEMBERS_PAGE_SIZE,
    total: total?.n ?? 0,
    members: rows.map((r) => ({
      ...r,
      groups: groupRows.filter((g) => g.userId === r.userId).map((g) => g.name),
    })),
  };
}

/** The member's row in the session's organization, or 404 (another tenant's user reads as unknown). */
export async function getMembership(db: Database, ctx: SessionContext, userId: string) {
  const [m] = await db
    .select({ userId: memberships.userId, roleId: memberships.roleId, status: memberships.status, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, ctx.organization.id), eq(memberships.userId, userId)));
  if (!m) throw notFound("That member");
  return m;
}

async function revokeSessionsInOrg(db: Database, organizationId: string, userId: string) {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.organizationId, organizationId)));
}

export async function changeMemberRole(db: Database, ctx: SessionContext, userId: string, roleId: string) {
  authorize(ctx, "roles:assign");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    const member = await getMembership(tx, ctx, userId);
    const tree = await loadRoleTree(tx, ctx.organization.id);
    if (!tree.some((r) => r.id === roleId)) throw notFound("That role");
    if (member.roleId === roleId) return;
    assertNotAbove(ctx, tree, member.roleId, "this member's role");
    assertNotAbove(ctx, tree, roleId);
    assertCanGrantRoles(ctx, tree, [roleId]);
    const newRole = tree.find((r) => r.id === roleId)!;
    if (newRole.key !== "owner") await assertNotLastOwner(tx, ctx.organization.id, userId);
    await tx.update(memberships).set({ roleId }).where(and(eq(memberships.organizationId, ctx.organization.id), eq(memberships.userId, userId)));
    await markSessionsForRotation(tx, userId);
    await recordRbacEvent(tx, ctx, { action: "member.role_changed", targetUserId: userId, roleId });
  });
}

async function guardedMemberChange(db: Database, ctx: SessionContext, userId: string, what: string) {
  if (userId === ctx.user.id) throw badRequest(`You cannot ${what} yourself.`);
  const member = await getMembership(db, ctx, userId);
  const tree = await loadRoleTree(db, ctx.organization.id);
  assertNotAbove(ctx, tree, member.roleId, "this member");
  return member;
}

/**
 * The one suspension path (an admin here, the organization's directory through lib/scim): the
 * membership is suspended and its sessions end, so the next request of any signed-in browser is
 * refused and SFTP (which reads the membership's status) stops; the last active owner stays.
 * Runs inside the caller's transaction; the caller records who and why.
 */
export async function applySuspension(tx: Database, organizationId: string, userId: string): Promise<void> {
  await assertNotLastOwner(tx, organizationId, userId);
  await tx
    .update(memberships)
    .set({ status: "suspended", suspendedAt: now() })
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  await revokeSessionsInOrg(tx, organizationId, userId);
}

export async function applyReactivation(tx: Database, organizationId: string, userId: string): Promise<void> {
  await tx
    .update(memberships)
    .set({ status: "active", suspendedAt: null })
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
}

/** Suspension takes effect at once: the member's sessions in this organization end and sign-in is refused. */
export async function suspendMember(db: Database, ctx: SessionContext, userId: string) {
  authorize(ctx, "members:manage");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    await guardedMemberChange(tx, ctx, userId, "suspend");
    await applySuspension(tx, ctx.organization.id, userId);
    await recordRbacEvent(tx, ctx, { action: "member.suspended", targetUserId: userId });
  });
}

export async function reactivateMember(db: Database, ctx: SessionContext, userId: string) {
  authorize(ctx, "members:manage");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    await guardedMemberChange(tx, ctx, userId, "reactivate");
    await applyReactivation(tx, ctx.organization.id, userId);
    await recordRbacEvent(tx, ctx, { action: "member.reactivated", targetUserId: userId });
  });
}

export async function removeMember(db: Database, ctx: SessionContext, userId: string) {
  authorize(ctx, "members:manage");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    await guardedMemberChange(tx, ctx, userId, "remove");
    await assertNotLastOwner(tx, ctx.organization.id, userId);
    const orgGroups = tx.select({ id: groups.id }).from(groups).where(eq(groups.organizationId, ctx.organization.id));
    await tx.delete(groupMembers).where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, orgGroups)));
    await tx.delete(memberships).where(and(eq(memberships.organizationId, ctx.organization.id), eq(memberships.userId, userId)));
    await revokeSessionsInOrg(tx, ctx.organization.id, userId);
    await recordRbacEvent(tx, ctx, { action: "member.removed", targetUserId: userId });
  });
}

export async function revokeMemberSessions(db: Database, ctx: SessionContext, userId: string) {
  authorize(ctx, "members:manage");
  await requireStepUpForSensitiveChange(ctx);
  await db.transaction(async (tx) => {
    await guardedMemberChange(tx, ctx, userId, "sign out");
    await revokeSessionsInOrg(tx, ctx.organization.id, userId);
    await recordRbacEvent(tx, ctx, { action: "member.sessions_revoked", targetUserId: userId });
  });
}

/**
 * The member must choose a new password: the current one stops working, every session ends,
 * and a reset link is mailed to them.
 */
export async function forcePasswordReset(db: Database, ctx: SessionContext, userId: string) {
  authorize(ctx, "members:manage");
  await requireStepUpForSensitiveChange(ctx);
  const { email, token } = await db.transaction(async (tx) => {
    const member = await guardedMemberChange(tx, ctx, userId, "force a password reset for");
    await tx.update(users).set({ passwordHash: null }).where(eq(users.id, userId));
    await revokeAllSessions(tx, userId);
    const token = await issueAuthToken(tx, userId, "reset_password");
    await recordRbacEvent(tx, ctx, { action: "member.password_reset_forced", targetUserId: userId });
    return { email: member.email, token };
  });
  await sendMail(passwordResetMail(email, token, TOKEN_MINUTES.reset_password));
}

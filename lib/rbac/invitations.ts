import "server-only";
import { auditRequestFields, currentAuditMeta, recordAudit } from "@/lib/audit";
import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { invitations, memberships, organizations, roles, users } from "@/db/schema";
import { emailSchema, hashPassword, passwordProblem, type SessionContext } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { env } from "@/lib/env";
import { AppError, badRequest, notFound } from "@/lib/errors";
import { sendMail } from "@/lib/mail";
import { parseOrThrow } from "@/lib/http";
import { authorize } from "./authorize";
import { recordRbacEvent } from "./sensitive-change";
import { assertCanGrantRoles } from "./rules";
import { loadRoleTree } from "./tree-queries";

export const INVITATION_DAYS = 7;
export const INVALID_INVITATION = "This invitation is invalid, was already used, was withdrawn or has expired. Ask for a new one.";

export const inviteSchema = z.object({ email: emailSchema, roleId: z.uuid({ error: "Choose a role." }) });

export async function inviteMember(db: Database, ctx: SessionContext, input: z.input<typeof inviteSchema>) {
  authorize(ctx, "members:invite");
  const { email, roleId } = parseOrThrow(inviteSchema, input);
  const token = randomToken();
  const invitationId = await db.transaction(async (tx) => {
    const tree = await loadRoleTree(tx, ctx.organization.id);
    if (!tree.some((r) => r.id === roleId)) throw notFound("That role");
    assertCanGrantRoles(ctx, tree, [roleId]);
    const [existing] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, ctx.organization.id), eq(users.email, email)));
    if (existing) throw badRequest("That person is already a member.", { email: "That person is already a member." });
    // A newer invitation replaces pending ones for the same address.
    await tx
      .update(invitations)
      .set({ revokedAt: now() })
      .where(and(eq(invitations.organizationId, ctx.organization.id), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    const [row] = await tx
      .insert(invitations)
      .values({
        organizationId: ctx.organization.id,
        email,
        roleId,
        tokenHash: sha256Hex(token),
        invitedBy: ctx.user.id,
        expiresAt: new Date(now().getTime() + INVITATION_DAYS * 86_400_000),
      })
      .returning({ id: invitations.id });
    await recordRbacEvent(tx, ctx, { action: "invitation.created", invitationId: row!.id });
    return row!.id;
  });
  await sendMail({
    to: email,
    subject: `${ctx.user.name} invited you to ${ctx.organization.name} on ChargeKeep`,
    text: [
      `${ctx.user.name} invited you to join ${ctx.organization.name} on ChargeKeep.`,
      "",
      "Accept the invitation here:",
      `${env().APP_URL}/invite?token=${encodeURIComponent(token)}`,
      "",
      `The link works once and expires in ${INVITATION_DAYS} days. If you did not expect it, ignore this message.`,
    ].join("\n"),
  });
  return invitationId;
}

export async function listPendingInvitations(db: Database, ctx: SessionContext) {
  authorize(ctx, "members:invite");
  return db
    .select({ id: invitations.id, email: invitations.email, roleName: roles.name, expiresAt: invitations.expiresAt, createdAt: invitations.createdAt })
    .from(invitations)
    .innerJoin(roles, eq(roles.id, invitations.roleId))
    .where(
      and(
        eq(invitations.organizationId, ctx.organization.id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now()),
      ),
    );
}

export async function revokeInvitation(db: Database, ctx: SessionContext, invitationId: string) {
  authorize(ctx, "members:invite");
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: now() })
      .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, ctx.organization.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });
    if (!row) throw notFound("That invitation");
    await recordRbacEvent(tx, ctx, { action: "invitation.revoked", invitationId });
  });
}

/** What the accept page shows before anything is spent. */
export async function describeInvitation(db: Database, token: string) {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({ email: invitations.email, organizationName: organizations.name, roleName: roles.name, hasAccount: users.id })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .innerJoin(roles, eq(roles.id, invitations.roleId))
    .leftJoin(users, eq(users.email, invitations.email))
    .where(and(eq(invitations.tokenHash, sha256Hex(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now())));
  return row ? { ...row, hasAccount: Boolean(row.hasAccount) } : null;
}

/**
 * Spends the invitation and adds the membership, in one transaction. An existing account must be
 * the signed-in user (same e-mail); a new one is created with the given name and password, its
 * address counting as verified because the link proved the mailbox.
 */
export async function acceptInvitation(
  db: Database,
  token: string,
  who: { signedInUserId: string; signedInEmail: string } | { name: string; password: string },
): Promise<{ userId: string; organizationId: string }> {
  return db.transaction(async (tx) => {
    const [inv] = await tx
      .update(invitations)
      .set({ acceptedAt: now() })
      .where(and(eq(invitations.tokenHash, sha256Hex(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now())))
      .returning();
    if (!inv) throw badRequest(INVALID_INVITATION);
    const [account] = await tx.select({ id: users.id }).from(users).where(eq(users.email, inv.email));
    let userId: string;
    if ("signedInUserId" in who) {
      if (who.signedInEmail !== inv.email) {
        throw new AppError("wrong_account", 403, `This invitation is for ${inv.email}. Sign in with that address to accept it.`);
      }
      userId = who.signedInUserId;
    } else {
      if (account) throw new AppError("account_exists", 409, "You already have an account: sign in first, then open the link again.");
      const problem = passwordProblem(who.password, { email: inv.email, name: who.name });
      if (problem) throw badRequest(problem, { password: problem });
      const [created] = await tx
        .insert(users)
        .values({ email: inv.email, name: who.name, passwordHash: await hashPassword(who.password), emailVerifiedAt: now() })
        .returning({ id: users.id });
      userId = created!.id;
    }
    await tx.insert(memberships).values({ userId, organizationId: inv.organizationId, roleId: inv.roleId }).onConflictDoNothing();
    await recordAudit(tx, {
      organizationId: inv.organizationId,
      actorUserId: userId,
      action: "invitation.accepted",
      result: "success",
      targetType: "invitation",
      targetId: inv.id,
      ...auditRequestFields(await currentAuditMeta()),
      metadata: { roleId: inv.roleId, newAccount: !("signedInUserId" in who) },
    });
    return { userId, organizationId: inv.organizationId };
  });
}

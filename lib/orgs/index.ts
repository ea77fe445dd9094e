import "server-only";
import { recordAccountEvent } from "@/lib/auth";
import { and, asc, eq } from "drizzle-orm";
import { boundaryText } from "@/lib/http";
import type { Database } from "@/db";
import { memberships, organizations, roles } from "@/db/schema";
import { rotateSession, type SessionContext } from "@/lib/credentials";
import { notFound } from "@/lib/errors";
import { createOrganizationWithOwner } from "@/lib/rbac";

export const organizationNameSchema = boundaryText({ error: "Enter the organization's name." })
  .trim()
  .min(2, "Enter the organization's name.")
  .max(100, "Use at most 100 characters.");

export async function listMyOrganizations(db: Database, userId: string) {
  return db
    .select({ id: organizations.id, name: organizations.name, role: roles.name, status: memberships.status })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}

/**
 * Makes another of the user's organizations the active one. The membership is checked here
 * (an id from the form is only a wish) and the session id rotates with the new context.
 */
export async function switchOrganization(db: Database, ctx: SessionContext, organizationId: string) {
  const [membership] = await db
    .select({ organizationId: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, ctx.user.id), eq(memberships.organizationId, organizationId), eq(memberships.status, "active")));
  if (!membership) throw notFound("That organization");
  const rotated = await rotateSession(db, ctx.session.id, { organizationId });
  if (!rotated) throw notFound("Your session");
  await recordAccountEvent(db, { action: "auth.organization_switched", userId: ctx.user.id, organizationId, metadata: { from: ctx.organization.id } });
  return rotated;
}

export async function createOrganization(db: Database, ctx: SessionContext, name: string) {
  return db.transaction(async (tx) => {
    const organizationId = await createOrganizationWithOwner(tx, { name, userId: ctx.user.id });
    const rotated = await rotateSession(tx, ctx.session.id, { organizationId });
    if (!rotated) throw notFound("Your session");
    return rotated;
  });
}

import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { memberships, roles, users } from "@/db/schema";
import { createSession, hashPassword } from "@/lib/auth";
import { createOrganizationWithOwner } from "@/lib/rbac/setup";

export const STRONG_PASSWORD = "correct horse battery staple 42";

let cachedHash: Promise<string> | undefined;

export type BuiltInRole = "owner" | "admin" | "accountant" | "member" | "viewer";

export async function roleIdOf(organizationId: string, key: string): Promise<string> {
  const [r] = await getDb()
    .select({ id: roles.id })
    .from(roles)
    .where(and(eq(roles.organizationId, organizationId), eq(roles.key, key)));
  if (!r) throw new Error(`no role ${key} in ${organizationId}`);
  return r.id;
}

/**
 * A verified user. Without organizationId they own a fresh organization (with the built-in roles);
 * with it they join that organization in `role` (default member).
 */
export async function makeUser(opts: { role?: BuiltInRole; organizationId?: string; verified?: boolean; operator?: boolean } = {}) {
  const db = getDb();
  cachedHash ??= hashPassword(STRONG_PASSWORD);
  const email = `user-${randomUUID()}@example.test`;
  const [user] = await db
    .insert(users)
    .values({
      email,
      name: "Test User",
      passwordHash: await cachedHash,
      emailVerifiedAt: opts.verified === false ? null : new Date(),
      isOperator: opts.operator ?? false,
    })
    .returning();
  let organizationId = opts.organizationId;
  if (!organizationId) {
    organizationId = await createOrganizationWithOwner(db, { name: `Org ${email}`, userId: user!.id });
    if (opts.role && opts.role !== "owner") {
      await db.update(memberships).set({ roleId: await roleIdOf(organizationId, opts.role) }).where(eq(memberships.userId, user!.id));
    }
  } else {
    await db.insert(memberships).values({ userId: user!.id, organizationId, roleId: await roleIdOf(organizationId, opts.role ?? "member") });
  }
  return { user: user!, email, organizationId, password: STRONG_PASSWORD };
}

export async function makeSession(userId: string, organizationId: string) {
  return createSession(getDb(), { userId, organizationId, ip: "203.0.113.7", userAgent: "vitest" });
}

import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { Secret } from "otpauth";
import { getDb } from "@/db";
import { memberships, roles, totpFactors, users } from "@/db/schema";
import { createSession, hashPassword } from "@/lib/auth";
import { open, seal } from "@/lib/crypto";
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

/**
 * A confirmed authenticator app for the user (the secret sealed to its row, as the app stores it).
 * Returns the base32 secret so a test can compute codes. One per user: a second call reuses it.
 */
export async function makeTotpFactor(userId: string): Promise<{ secret: string; factorId: string }> {
  const db = getDb();
  const [existing] = await db.select().from(totpFactors).where(eq(totpFactors.userId, userId));
  if (existing) return { secret: open(existing.secret, { table: "totp_factors", column: "secret", rowId: existing.id }), factorId: existing.id };
  const factorId = randomUUID();
  const secret = new Secret({ size: 20 }).base32;
  await db.insert(totpFactors).values({
    id: factorId,
    userId,
    secret: seal(secret, { table: "totp_factors", column: "secret", rowId: factorId }),
    confirmedAt: new Date(),
  });
  return { secret, factorId };
}

/**
 * A session that passed its second factor just now (the clock's now): what a member has right
 * after signing in with MFA or stepping up. Sensitive changes (roles, members, groups) need it.
 */
export async function makeSteppedUpSession(userId: string, organizationId: string) {
  await makeTotpFactor(userId);
  return createSession(getDb(), { userId, organizationId, ip: "203.0.113.7", userAgent: "vitest", mfaVerified: true });
}

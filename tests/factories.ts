import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { memberships, organizations, users, type MembershipRole } from "@/db/schema";
import { createSession, hashPassword } from "@/lib/auth";

export const STRONG_PASSWORD = "correct horse battery staple 42";

let cachedHash: Promise<string> | undefined;

/** A verified user who owns (or belongs to) a fresh organization. Unique per call. */
export async function makeUser(opts: { role?: MembershipRole; organizationId?: string; verified?: boolean; operator?: boolean } = {}) {
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
    const [org] = await db.insert(organizations).values({ name: `Org ${email}` }).returning();
    organizationId = org!.id;
  }
  await db.insert(memberships).values({ userId: user!.id, organizationId, role: opts.role ?? "owner" });
  return { user: user!, email, organizationId, password: STRONG_PASSWORD };
}

export async function makeSession(userId: string, organizationId: string) {
  return createSession(getDb(), { userId, organizationId, ip: "203.0.113.7", userAgent: "vitest" });
}

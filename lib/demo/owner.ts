import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, organizations, users } from "@/db/schema";
import { hashPassword } from "@/lib/credentials";
import { now } from "@/lib/clock";
import { randomToken } from "@/lib/crypto";
import { createOrganizationWithOwner } from "@/lib/rbac";
import type { DemoOwner } from "./seed-session";

export const DEMO_OWNER_EMAIL = "owner@acme.example";
export const DEMO_ORGANIZATION = "Acme Corp";

/**
 * Creates "Acme Corp" and its owner once. The password is random and returned only on creation,
 * so it is printed once and never stored anywhere but as an argon2id hash. Returns the owner's
 * ids (null when the owner exists but no longer owns an Acme Corp: someone removed it, leave it be).
 */
export async function ensureDemoOwner(db: Database): Promise<{ owner: DemoOwner | null; password: string | null }> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_OWNER_EMAIL));
  if (existing) {
    const [org] = await db
      .select({ id: organizations.id })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(and(eq(memberships.userId, existing.id), eq(organizations.name, DEMO_ORGANIZATION)))
      .limit(1);
    return { owner: org ? { userId: existing.id, organizationId: org.id } : null, password: null };
  }
  const password = `acme-${randomToken(12)}`;
  const passwordHash = await hashPassword(password);
  const owner = await db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: DEMO_OWNER_EMAIL, name: "Alex Owner", passwordHash, emailVerifiedAt: now(), isOperator: true })
      .returning({ id: users.id });
    const organizationId = await createOrganizationWithOwner(tx, { name: DEMO_ORGANIZATION, userId: user!.id });
    return { userId: user!.id, organizationId };
  });
  return { owner, password };
}

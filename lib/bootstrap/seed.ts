import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { now } from "@/lib/clock";
import { hashPassword } from "@/lib/credentials";
import { randomToken } from "@/lib/crypto";
import { createOrganizationWithOwner } from "@/lib/rbac";

export const DEMO_OWNER_EMAIL = "owner@acme.example";

/**
 * Creates "Acme Corp" and its owner once. The password is random and returned only on creation,
 * so it is printed once and never stored anywhere but as an argon2id hash.
 */
export async function seedDemo(db: Database): Promise<{ email: string; password: string } | null> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_OWNER_EMAIL));
  if (existing) return null;
  const password = `acme-${randomToken(12)}`;
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: DEMO_OWNER_EMAIL, name: "Alex Owner", passwordHash, emailVerifiedAt: now(), isOperator: true })
      .returning({ id: users.id });
    await createOrganizationWithOwner(tx, { name: "Acme Corp", userId: user!.id });
  });
  return { email: DEMO_OWNER_EMAIL, password };
}

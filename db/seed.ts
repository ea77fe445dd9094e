import "server-only";
import { eq } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { randomToken } from "@/lib/crypto";
import { now } from "@/lib/clock";
import type { Database } from "./client";
import { createOrganizationWithOwner } from "@/lib/rbac/setup";
import { users } from "./schema";

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

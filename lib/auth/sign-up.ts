import "server-only";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { badRequest } from "@/lib/errors";
import { createOrganizationWithOwner } from "@/lib/rbac";
import { accountExistsMail, sendMail, verifyEmailMail } from "@/lib/mail";
import { recordAccountEvent } from "./audit";
import { hashPassword, issueAuthToken, passwordProblem, TOKEN_MINUTES, type signUpSchema } from "@/lib/credentials";

/**
 * Creates the user, their organization and the owner membership in one transaction, then mails
 * a verification link. An address that already has an account gets a "someone tried" mail and the
 * caller sees the very same answer, so sign-up does not reveal who has an account.
 */
export async function signUp(db: Database, input: z.infer<typeof signUpSchema>): Promise<void> {
  const problem = passwordProblem(input.password, { email: input.email, name: input.name });
  if (problem) throw badRequest(problem, { password: problem });
  const passwordHash = await hashPassword(input.password); // hashed in both branches: same timing

  const created = await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (existing) return null;
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, passwordHash })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!user) return null; // lost a race with a concurrent sign-up for the same address
    const organizationId = await createOrganizationWithOwner(tx, { name: input.organizationName, userId: user.id });
    await recordAccountEvent(tx, { action: "auth.sign_up", userId: user.id, organizationId });
    const token = await issueAuthToken(tx, user.id, "verify_email");
    return { token };
  });

  await sendMail(
    created ? verifyEmailMail(input.email, created.token, TOKEN_MINUTES.verify_email) : accountExistsMail(input.email),
  );
}

import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users, webauthnCredentials } from "@/db/schema";
import type { SessionContext } from "@/lib/auth";
import { AppError, badRequest, notFound } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { factorSummary } from "../factors";
import { recordMfaEvent } from "../events";
import { requireRecentMfa } from "@/lib/credentials";
import { credentialNameSchema } from "./schemas";

export type WebauthnCredentialSummary = {
  id: string;
  name: string;
  discoverable: boolean;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
};

/** The user's security keys and passkeys, oldest first, for the settings page. */
export async function listWebauthnCredentials(db: Database, userId: string): Promise<WebauthnCredentialSummary[]> {
  return db
    .select({
      id: webauthnCredentials.id,
      name: webauthnCredentials.name,
      discoverable: webauthnCredentials.discoverable,
      backedUp: webauthnCredentials.backedUp,
      createdAt: webauthnCredentials.createdAt,
      lastUsedAt: webauthnCredentials.lastUsedAt,
    })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId))
    .orderBy(asc(webauthnCredentials.createdAt), asc(webauthnCredentials.id));
}

/** Scoped to the owner: another user's credential id simply matches nothing (404). */
export async function renameWebauthnCredential(db: Database, userId: string, id: string, newName: string): Promise<string> {
  const parsed = credentialNameSchema.safeParse(newName);
  if (!parsed.success) throw badRequest("Check the key's name.", { name: parsed.error.issues[0]?.message ?? "Invalid name." });
  const name = parsed.data;
  const updated = await db
    .update(webauthnCredentials)
    .set({ name })
    .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId)))
    .returning({ id: webauthnCredentials.id });
  if (!updated.length) throw notFound("That key");
  return name;
}

export const LAST_FACTOR_MESSAGE =
  "Your organization requires two-step verification, so you cannot remove your only second factor. Add another security key or an authenticator app first.";

/**
 * Removing a key weakens the account, so it needs a fresh second factor (step-up), and the last
 * factor stays while the organization's policy requires MFA of this member. The user's row is
 * locked for the check, so two removals at once cannot both pass it.
 */
export async function removeWebauthnCredential(db: Database, ctx: SessionContext, id: string, meta: RequestMeta): Promise<{ name: string }> {
  requireRecentMfa(ctx);
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, ctx.user.id)).for("update");
    const [credential] = await tx
      .select({ id: webauthnCredentials.id, name: webauthnCredentials.name, discoverable: webauthnCredentials.discoverable })
      .from(webauthnCredentials)
      .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, ctx.user.id)));
    if (!credential) throw notFound("That key");
    if (ctx.mfa.required) {
      const factors = await factorSummary(tx, ctx.user.id);
      if (!factors.totp && factors.webauthn <= 1) throw new AppError("last_factor", 409, LAST_FACTOR_MESSAGE);
    }
    await tx.delete(webauthnCredentials).where(eq(webauthnCredentials.id, credential.id));
    await recordMfaEvent(
      tx,
      { userId: ctx.user.id, organizationId: ctx.organization.id, meta },
      { action: "mfa.webauthn_removed", credentialId: credential.id, discoverable: credential.discoverable },
    );
    return { name: credential.name };
  });
}

import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { sshKeys } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { badRequest, notFound } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { requireRecentMfa } from "@/lib/mfa";
import { authorize } from "@/lib/rbac";
import { parsePublicKey, PublicKeyError } from "./public-keys";

export const MAX_KEYS_PER_USER = 20;

export const addSshKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name, such as the computer it is on.").max(80, "Use at most 80 characters."),
  publicKey: z.string().trim().min(20, "Paste the public key line.").max(16_384, "That is too long for a public key."),
});

/** The member's own keys, newest first (revoked ones too, for the record). */
export async function listSshKeys(db: Database, ctx: SessionContext) {
  authorize(ctx, "transfers:use");
  return db
    .select({ id: sshKeys.id, name: sshKeys.name, algorithm: sshKeys.algorithm, bits: sshKeys.bits, fingerprint: sshKeys.fingerprint, lastUsedAt: sshKeys.lastUsedAt, lastUsedIp: sshKeys.lastUsedIp, revokedAt: sshKeys.revokedAt, createdAt: sshKeys.createdAt })
    .from(sshKeys)
    .where(eq(sshKeys.userId, ctx.user.id))
    .orderBy(desc(sshKeys.createdAt));
}

/** Adds a key for the signed-in member: needs `transfers:use` and a recent second factor. */
export async function addSshKey(db: Database, ctx: SessionContext, meta: RequestMeta, input: z.input<typeof addSshKeySchema>) {
  authorize(ctx, "transfers:use");
  requireRecentMfa(ctx);
  const { name, publicKey } = addSshKeySchema.parse(input);
  let parsed;
  try {
    parsed = parsePublicKey(publicKey);
  } catch (e) {
    if (e instanceof PublicKeyError) throw badRequest(e.message, { publicKey: e.message });
    throw e;
  }
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database;
    const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(sshKeys).where(and(eq(sshKeys.userId, ctx.user.id), isNull(sshKeys.revokedAt)));
    if (Number(n) >= MAX_KEYS_PER_USER) throw badRequest(`You can have at most ${MAX_KEYS_PER_USER} keys: revoke one you no longer use first.`);
    const [dup] = await tx.select({ id: sshKeys.id }).from(sshKeys).where(and(eq(sshKeys.fingerprint, parsed.fingerprint), isNull(sshKeys.revokedAt)));
    // Whose it is stays unsaid: a key is one person's only, so the login is never ambiguous.
    if (dup) throw badRequest("This key is already registered. Generate a new key for this account.", { publicKey: "This key is already registered." });
    const [row] = await tx.insert(sshKeys).values({ userId: ctx.user.id, name, algorithm: parsed.algorithm, fingerprint: parsed.fingerprint, publicKey: parsed.publicKey, bits: parsed.bits }).returning();
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "ssh_key.added",
      result: "success",
      targetType: "ssh_key",
      targetId: row!.id,
      ...auditRequestFields(meta),
      metadata: { name, algorithm: parsed.algorithm, bits: parsed.bits, fingerprint: parsed.fingerprint },
    });
    return row!;
  });
}

/** Revokes one of the member's own keys; someone else's key id reads as not found. */
export async function revokeSshKey(db: Database, ctx: SessionContext, meta: RequestMeta, keyId: string) {
  authorize(ctx, "transfers:use");
  if (!z.uuid().safeParse(keyId).success) throw notFound("That key");
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database;
    const [row] = await tx
      .update(sshKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(sshKeys.id, keyId), eq(sshKeys.userId, ctx.user.id), isNull(sshKeys.revokedAt)))
      .returning();
    if (!row) throw notFound("That key");
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "ssh_key.revoked",
      result: "success",
      targetType: "ssh_key",
      targetId: row.id,
      ...auditRequestFields(meta),
      metadata: { name: row.name, fingerprint: row.fingerprint },
    });
    return row;
  });
}

import "server-only";
import { and, asc, count, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { scimTokens, users } from "@/db/schema";
import { recordAudit, auditRequestFields } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { badRequest, notFound } from "@/lib/errors";
import { boundaryText, type RequestMeta } from "@/lib/http";
import { requireRecentMfa } from "@/lib/mfa";
import { authorize } from "@/lib/rbac";
import type { ScimActor } from "./audit";

/** Recognisable in logs and by secret scanners; 256 random bits after it. */
export const SCIM_TOKEN_PREFIX = "ckscim_";
const MAX_TOKENS = 10;
/** "Used" is recorded once per token per hour: a trail, not one event per provisioning call. */
const USE_AUDIT_INTERVAL_MS = 60 * 60_000;

export const scimTokenInputSchema = z.object({
  name: boundaryText({ error: "Name the token (for example the identity provider's name)." })
    .trim()
    .min(2, "Name the token (for example the identity provider's name).")
    .max(60, "Use at most 60 characters."),
});

export async function listScimTokens(db: Database, ctx: SessionContext) {
  authorize(ctx, "security:manage");
  return db
    .select({
      id: scimTokens.id,
      name: scimTokens.name,
      hint: scimTokens.hint,
      createdAt: scimTokens.createdAt,
      createdByName: users.name,
      lastUsedAt: scimTokens.lastUsedAt,
      lastUsedIp: scimTokens.lastUsedIp,
      revokedAt: scimTokens.revokedAt,
    })
    .from(scimTokens)
    .leftJoin(users, eq(users.id, scimTokens.createdBy))
    .where(eq(scimTokens.organizationId, ctx.organization.id))
    .orderBy(asc(scimTokens.createdAt));
}

/** A new token for the session's organization. The plain token is returned once and never stored. */
export async function createScimToken(db: Database, ctx: SessionContext, input: z.input<typeof scimTokenInputSchema>, meta: RequestMeta): Promise<{ id: string; token: string }> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  const parsed = scimTokenInputSchema.safeParse(input);
  if (!parsed.success) throw badRequest("Some fields need attention.", { name: parsed.error.issues[0]?.message ?? "Check the name." });
  const token = `${SCIM_TOKEN_PREFIX}${randomToken(32)}`;
  return db.transaction(async (tx) => {
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(scimTokens)
      .where(and(eq(scimTokens.organizationId, ctx.organization.id), isNull(scimTokens.revokedAt)))) as [{ n: number }];
    if (Number(n) >= MAX_TOKENS) throw badRequest(`An organization can have at most ${MAX_TOKENS} SCIM tokens. Revoke one first.`);
    const [row] = await tx
      .insert(scimTokens)
      .values({ organizationId: ctx.organization.id, name: parsed.data.name, tokenHash: sha256Hex(token), hint: token.slice(-4), createdBy: ctx.user.id })
      .returning({ id: scimTokens.id });
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "scim_token.created",
      result: "success",
      targetType: "scim_token",
      targetId: row!.id,
      ...auditRequestFields(meta),
      metadata: { name: parsed.data.name },
    });
    return { id: row!.id, token };
  });
}

/** Revoked at once: the next SCIM request with it is refused. */
export async function revokeScimToken(db: Database, ctx: SessionContext, tokenId: string, meta: RequestMeta): Promise<void> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(scimTokens)
      .set({ revokedAt: now(), revokedBy: ctx.user.id })
      .where(and(eq(scimTokens.id, tokenId), eq(scimTokens.organizationId, ctx.organization.id), isNull(scimTokens.revokedAt)))
      .returning({ name: scimTokens.name });
    if (!row) throw notFound("That SCIM token");
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "scim_token.revoked",
      result: "success",
      targetType: "scim_token",
      targetId: tokenId,
      ...auditRequestFields(meta),
      metadata: { name: row.name },
    });
  });
}

export type ScimAuthResult = { ok: true; actor: ScimActor } | { ok: false; reason: "missing" | "unknown" | "revoked"; organizationId?: string; tokenId?: string; tokenName?: string };

/** The bearer token of `Authorization: Bearer ckscim_…`, or null when the header is absent or not that shape. */
export function bearerTokenOf(header: string | null): string | null {
  const m = /^Bearer\s+(\S{1,200})\s*$/i.exec(header ?? "");
  return m ? m[1]! : null;
}

/**
 * Looks the token up by its SHA-256 (an index lookup on a hash: nothing about the stored value
 * leaks through timing) and stamps its last use. The organization comes from this row and nowhere else.
 */
export async function authenticateScimToken(db: Database, token: string | null, meta: RequestMeta): Promise<ScimAuthResult> {
  if (!token || !token.startsWith(SCIM_TOKEN_PREFIX)) return { ok: false, reason: token ? "unknown" : "missing" };
  const [row] = await db.select().from(scimTokens).where(eq(scimTokens.tokenHash, sha256Hex(token)));
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked", organizationId: row.organizationId, tokenId: row.id, tokenName: row.name };
  const at = now();
  await db.update(scimTokens).set({ lastUsedAt: at, lastUsedIp: meta.ip }).where(eq(scimTokens.id, row.id));
  if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() >= USE_AUDIT_INTERVAL_MS) {
    await recordAudit(db, {
      organizationId: row.organizationId,
      actorUserId: null,
      action: "scim_token.used",
      result: "success",
      targetType: "scim_token",
      targetId: row.id,
      ...auditRequestFields(meta),
      metadata: { actorKind: "scim", scimClient: row.name, scimClientId: row.id, reason: row.lastUsedAt ? "First use this hour" : "First use" },
    });
  }
  return { ok: true, actor: { tokenId: row.id, tokenName: row.name, organizationId: row.organizationId } };
}

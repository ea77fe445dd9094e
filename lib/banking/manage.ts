import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections, bankInstitutions } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { open } from "@/lib/crypto";
import { badRequest, notFound } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { requireRecentMfa } from "@/lib/mfa";
import { enforce } from "@/lib/ratelimit";
import { authorize } from "@/lib/rbac";
import { revokeAtBank } from "./revoke";

const CONNECTIONS = "bank_connections";

/**
 * Disconnects: revokes the refresh token and the access token at the bank, forgets both, status
 * disconnected; accounts, transactions and sync runs stay as history. Needs a recent second factor.
 * Returns whether the bank confirmed the revocation.
 */
export async function disconnectConnection(db: Database, ctx: SessionContext, connectionId: string, meta: RequestMeta | null): Promise<{ revoked: boolean }> {
  authorize(ctx, "bank_connections:manage");
  requireRecentMfa(ctx);
  const [row] = await db
    .select({ conn: bankConnections, institution: bankInstitutions })
    .from(bankConnections)
    .innerJoin(bankInstitutions, eq(bankInstitutions.id, bankConnections.institutionId))
    .where(and(eq(bankConnections.id, connectionId), eq(bankConnections.organizationId, ctx.organization.id)));
  if (!row) throw notFound("That connection");
  if (row.conn.status === "disconnected") throw badRequest("This connection is already disconnected.");
  const { conn, institution } = row;
  const refresh = conn.refreshToken ? open(conn.refreshToken, { table: CONNECTIONS, column: "refresh_token", rowId: conn.id }) : null;
  const access = conn.accessToken ? open(conn.accessToken, { table: CONNECTIONS, column: "access_token", rowId: conn.id }) : null;
  // Refresh token first: revoking it ends the grant at the bank, access token included.
  const revoked = refresh || access ? await revokeAtBank(institution, { refresh, access }) : true;
  await db.transaction(async (tx) => {
    const at = now();
    await tx
      .update(bankConnections)
      .set({ status: "disconnected", accessToken: null, refreshToken: null, accessTokenExpiresAt: null, nextSyncAt: null, disconnectedAt: at, updatedAt: at, lastError: null })
      .where(and(eq(bankConnections.id, conn.id), eq(bankConnections.organizationId, ctx.organization.id)));
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "bank_connection.disconnected",
      result: "success",
      targetType: "bank_connection",
      targetId: conn.id,
      ...auditRequestFields(meta),
      metadata: { institution: institution.slug, revokedAtBank: revoked },
    });
  });
  return { revoked };
}

/**
 * Records a member's "Sync now" (bank_sync.requested) for a live connection of their organization;
 * the caller then starts the sync (lib/sync requestSync).
 */
export async function recordSyncRequest(db: Database, ctx: SessionContext, connectionId: string, meta: RequestMeta | null): Promise<void> {
  authorize(ctx, "bank_connections:manage");
  await enforce("bank-sync-user", ctx.user.id);
  const [conn] = await db
    .select({ id: bankConnections.id, status: bankConnections.status })
    .from(bankConnections)
    .where(and(eq(bankConnections.id, connectionId), eq(bankConnections.organizationId, ctx.organization.id)));
  if (!conn) throw notFound("That connection");
  if (conn.status === "disconnected") throw badRequest("This connection is disconnected: connect the bank again to sync.");
  if (conn.status === "reauth_required") throw badRequest("The bank needs you to sign in again first: choose Re-authorize.");
  await recordAudit(db, {
    organizationId: ctx.organization.id,
    actorUserId: ctx.user.id,
    action: "bank_sync.requested",
    result: "success",
    targetType: "bank_connection",
    targetId: conn.id,
    ...auditRequestFields(meta),
    metadata: { trigger: "manual" },
  });
}

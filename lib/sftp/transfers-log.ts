import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { sftpTransfers, users } from "@/db/schema";
import { recordAudit, type AuditAction } from "@/lib/audit";

export type TransferOperation = "connect" | "auth_failed" | "upload" | "download" | "delete" | "rename";
export type SessionActor = { organizationId: string; userId: string; keyId: string; ip: string | null; client: string | null; sessionId: string };

const AUDIT_OF: Partial<Record<TransferOperation, AuditAction>> = {
  connect: "sftp.connected",
  upload: "sftp.uploaded",
  download: "sftp.downloaded",
  delete: "sftp.deleted",
  rename: "sftp.renamed",
};

/**
 * One row in sftp_transfers (what the Transfers page shows) and, for the audited operations, the
 * audit event, in one transaction so the two never disagree.
 */
export async function logTransfer(
  db: Database,
  actor: SessionActor,
  entry: { operation: TransferOperation; path?: string; bytes?: number; result: "ok" | "refused" | "failed"; detail?: string; fileId?: string },
): Promise<void> {
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database;
    await tx.insert(sftpTransfers).values({
      organizationId: actor.organizationId,
      userId: actor.userId,
      sshKeyId: actor.keyId,
      operation: entry.operation,
      path: entry.path ?? null,
      bytes: entry.bytes ?? null,
      result: entry.result,
      detail: entry.detail?.slice(0, 500) ?? null,
      remoteIp: actor.ip,
    });
    const action = AUDIT_OF[entry.operation];
    if (!action) return;
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action,
      result: entry.result === "ok" ? "success" : entry.result === "refused" ? "denied" : "failure",
      targetType: entry.fileId ? "sftp_file" : "ssh_key",
      targetId: entry.fileId ?? actor.keyId,
      ip: actor.ip,
      userAgent: actor.client,
      requestId: actor.sessionId,
      metadata: { path: entry.path ?? null, bytes: entry.bytes ?? null, ...(entry.detail ? { detail: entry.detail.slice(0, 200) } : {}) },
    });
  });
}

/** Recent transfers of one organization, newest first; `userId` narrows to one member's. */
export async function listTransfers(db: Database, organizationId: string, opts: { userId?: string; limit?: number } = {}) {
  return db
    .select({
      id: sftpTransfers.id,
      operation: sftpTransfers.operation,
      path: sftpTransfers.path,
      bytes: sftpTransfers.bytes,
      result: sftpTransfers.result,
      detail: sftpTransfers.detail,
      remoteIp: sftpTransfers.remoteIp,
      createdAt: sftpTransfers.createdAt,
      userId: sftpTransfers.userId,
      userEmail: users.email,
    })
    .from(sftpTransfers)
    .leftJoin(users, eq(users.id, sftpTransfers.userId))
    .where(and(eq(sftpTransfers.organizationId, organizationId), opts.userId ? eq(sftpTransfers.userId, opts.userId) : undefined))
    .orderBy(desc(sftpTransfers.createdAt))
    .limit(opts.limit ?? 50);
}

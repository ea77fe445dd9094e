import "server-only";
import { Readable } from "node:stream";
import type { Database } from "@/db";
import { auditRequestFields, recordAudit, type AuditEventInput } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import type { RequestMeta } from "@/lib/http";
import { assertExportAllowed, attachmentResponse } from "./index";

export type Download = {
  /** The audit action that records this export (with `metadata`, e.g. the filters). */
  action: AuditEventInput["action"];
  metadata: Record<string, string | null>;
  /** `audit-log` becomes `audit-log-2026-12-07.csv`. */
  name: string;
  extension: string;
  contentType: string;
  /** Opened only after the checks passed and the export was recorded. */
  open: () => ReadableStream<Uint8Array> | Readable;
};

/**
 * The one answer of the download routes (audit log, transactions): the export checks
 * (assertExportAllowed: a recent second factor, a refusal recorded, the per-user limit), then the
 * export recorded with its filters before the first byte leaves, then the file, streamed.
 */
export async function downloadResponse(db: Database, session: SessionContext, meta: RequestMeta, download: Download): Promise<Response> {
  const event = {
    organizationId: session.organization.id,
    actorUserId: session.user.id,
    action: download.action,
    ...auditRequestFields(meta),
    metadata: download.metadata,
  };
  await assertExportAllowed(db, session, event);
  await recordAudit(db, { ...event, result: "success" });
  const filename = `${download.name}-${now().toISOString().slice(0, 10)}.${download.extension}`;
  const body = download.open();
  const stream = body instanceof Readable ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : body;
  return attachmentResponse(stream, filename, download.contentType);
}

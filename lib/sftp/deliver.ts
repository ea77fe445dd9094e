import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Database } from "@/db";
import { auditExportStream, auditRequestFields, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import type { RequestMeta } from "@/lib/http";
import { assertExportAllowed } from "@/lib/exports";
import { transactionsCsv } from "@/lib/reports";
import { authorize } from "@/lib/rbac";
import { writeFile } from "./files";

/** Deliveries carry everything (no filters: the pages' own downloads have them). */
const ALL_EVENTS = {};

export const DELIVERABLES = ["transactions", "audit_log"] as const;
export type Deliverable = (typeof DELIVERABLES)[number];

/**
 * Puts an export into the organization's outbox/ (encrypted like every file there) for pickup over
 * SFTP: all transactions (reports:export) or the whole audit log (audit:export). Needs
 * `transfers:use` plus the export's own permission, and a recent second factor.
 */
export async function deliverToOutbox(db: Database, ctx: SessionContext, meta: RequestMeta, what: Deliverable) {
  authorize(ctx, "transfers:use");
  authorize(ctx, what === "audit_log" ? "audit:export" : "reports:export");
  const event = {
    organizationId: ctx.organization.id,
    actorUserId: ctx.user.id,
    action: "export.delivered" as const,
    ...auditRequestFields(meta),
  };
  await assertExportAllowed(db, ctx, { ...event, metadata: { export: what } });
  const stamp = new Date().toISOString().replace(/[:]/g, "").replace(/\..*$/, "Z");
  const name = `${what === "audit_log" ? "audit-log" : "transactions"}-${stamp}.csv`;
  const body =
    what === "audit_log"
      ? Readable.fromWeb(auditExportStream(db, ctx.organization.id, ALL_EVENTS, "csv", { requestId: meta.requestId }) as unknown as WebReadableStream<Uint8Array>)
      : transactionsCsv(db, ctx.organization.id, {}, { requestId: meta.requestId });
  const file = await writeFile(db, { organizationId: ctx.organization.id, folder: "outbox", name, userId: ctx.user.id, body });
  await recordAudit(db, {
    ...event,
    result: "success",
    targetType: "sftp_file",
    targetId: file.id,
    metadata: { export: what, path: `/outbox/${name}`, bytes: file.sizeBytes },
  });
  return { path: `/outbox/${name}`, bytes: file.sizeBytes };
}

import { z } from "zod";
import { recordAudit, auditRequestFields, AUDIT_EXPORT_FORMATS, auditExportStream, exportContentType, auditFilterShape, datesInOrder, DATES_MESSAGE } from "@/lib/audit";
import { now } from "@/lib/clock";
import { parseOrThrow } from "@/lib/http";
import { route } from "@/lib/gate";
import { assertExportAllowed, attachmentResponse } from "@/lib/exports";

export const dynamic = "force-dynamic";

const exportQuerySchema = z
  .object({ format: z.enum(AUDIT_EXPORT_FORMATS, { message: "Choose format=csv or format=jsonl." }), ...auditFilterShape })
  .refine(datesInOrder, DATES_MESSAGE);

/**
 * GET /api/audit/export?format=csv|jsonl&actor=&action=&result=&ip=&from=&to=
 * A sensitive read: audit:export, then a second factor from the last few minutes, then the export
 * is itself recorded (with its filters) before the first byte leaves, then the file streams.
 */
export const GET = route({ auth: true, permission: "audit:export" }, async ({ req, session, meta, db }) => {
  const { format, ...filters } = parseOrThrow(exportQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const event = {
    organizationId: session.organization.id,
    actorUserId: session.user.id,
    action: "audit.exported" as const,
    ...auditRequestFields(meta),
    metadata: {
      format,
      actor: filters.actor ?? null,
      action: filters.action ?? null,
      result: filters.result ?? null,
      ip: filters.ip ?? null,
      from: filters.from ?? null,
      to: filters.to ?? null,
    },
  };
  await assertExportAllowed(db, session, event);
  await recordAudit(db, { ...event, result: "success" });
  const filename = `audit-log-${now().toISOString().slice(0, 10)}.${format}`;
  return attachmentResponse(auditExportStream(db, session.organization.id, filters, format, { requestId: meta.requestId }), filename, exportContentType(format));
});

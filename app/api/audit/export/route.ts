import { z } from "zod";
import { AUDIT_EXPORT_FORMATS, auditExportStream, exportContentType, auditFilterShape, datesInOrder, DATES_MESSAGE } from "@/lib/audit";
import { downloadResponse } from "@/lib/exports";
import { route } from "@/lib/gate";
import { parseOrThrow } from "@/lib/http";

export const dynamic = "force-dynamic";

const exportQuerySchema = z
  .object({ format: z.enum(AUDIT_EXPORT_FORMATS, { message: "Choose format=csv or format=jsonl." }), ...auditFilterShape })
  .refine(datesInOrder, DATES_MESSAGE);

/**
 * GET /api/audit/export?format=csv|jsonl&actor=&action=&result=&ip=&from=&to=
 * A sensitive read: audit:export, then a second factor from the last few minutes, then the export
 * is itself recorded (with its filters) before the first byte leaves, then the file streams
 * (lib/exports downloadResponse).
 */
export const GET = route({ auth: true, permission: "audit:export" }, async ({ req, session, meta, db }) => {
  const { format, ...filters } = parseOrThrow(exportQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  return downloadResponse(db, session, meta, {
    action: "audit.exported",
    metadata: {
      format,
      actor: filters.actor ?? null,
      action: filters.action ?? null,
      result: filters.result ?? null,
      ip: filters.ip ?? null,
      from: filters.from ?? null,
      to: filters.to ?? null,
    },
    name: "audit-log",
    extension: format,
    contentType: exportContentType(format),
    open: () => auditExportStream(db, session.organization.id, filters, format, { requestId: meta.requestId }),
  });
});

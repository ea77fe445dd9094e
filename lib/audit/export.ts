import "server-only";
import type { Database } from "@/db";
import { loggableError } from "@/lib/http";
import { cursorAfter, type AuditCursor } from "./cursor";
import { fetchAuditRows, toView, type AuditEventView } from "./event-rows";
import type { AuditFilters } from "./filters";

/**
 * Exports of the audit log as CSV or JSON Lines, streamed: the stream pulls one keyset page at a
 * time, only when the reader wants more, so memory stays at one page whatever the log's size, and
 * a client that stops reading stops the queries.
 */

export const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const EXPORT_PAGE_SIZE = 500;

const COLUMNS = [
  "time_utc",
  "seq",
  "id",
  "actor_user_id",
  "actor_email",
  "actor_name",
  "action",
  "description",
  "result",
  "target_type",
  "target_id",
  "ip",
  "user_agent",
  "request_id",
  "metadata",
  "prev_hash",
  "hash",
] as const;

function cellsOf(e: AuditEventView): (string | number | null)[] {
  return [
    e.createdAt.toISOString(),
    e.seq,
    e.id,
    e.actorUserId,
    e.actorEmail,
    e.actorName,
    e.action,
    e.description,
    e.result,
    e.targetType,
    e.targetId,
    e.ip,
    e.userAgent,
    e.requestId,
    JSON.stringify(e.metadata),
    e.prevHash,
    e.hash,
  ];
}

/**
 * One CSV cell. No CSV library is installed (csv-stringify, papaparse), and the rules are short:
 *  - Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with = + - @, a tab
 *    or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets. Names, user
 *    agents and metadata come from users and attackers (a member named "=HYPERLINK(...)"), so such a
 *    cell gets a leading apostrophe: spreadsheets then show it as text, and a person still reads it.
 *  - RFC 4180: a cell holding a quote, comma, CR or LF is wrapped in double quotes, and quotes inside
 *    are doubled. Records end with CRLF.
 * Numbers we produce ourselves (seq) are written as they are.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(cells: (string | number | null)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

function jsonLine(e: AuditEventView): string {
  return `${JSON.stringify({
    time: e.createdAt.toISOString(),
    seq: e.seq,
    id: e.id,
    actor: { userId: e.actorUserId, email: e.actorEmail, name: e.actorName },
    action: e.action,
    description: e.description,
    result: e.result,
    target: { type: e.targetType, id: e.targetId },
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    metadata: e.metadata,
    prevHash: e.prevHash,
    hash: e.hash,
  })}\n`;
}

export function exportContentType(format: AuditExportFormat): string {
  return format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
}

/**
 * The organization's events matching `filters`, newest first, as a byte stream. Pages are read
 * only on pull (highWaterMark 1): never the whole table in memory.
 */
export function auditExportStream(
  db: Database,
  organizationId: string,
  filters: AuditFilters,
  format: AuditExportFormat,
  opts: { pageSize?: number; requestId?: string } = {},
): ReadableStream<Uint8Array> {
  const pageSize = opts.pageSize ?? EXPORT_PAGE_SIZE;
  const encoder = new TextEncoder();
  let after: AuditCursor | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const header = !started && format === "csv" ? csvRecord([...COLUMNS]) : "";
          started = true;
          const rows = await fetchAuditRows(db, organizationId, filters, after, pageSize);
          const body = rows.map((r) => (format === "csv" ? csvRecord(cellsOf(toView(r))) : jsonLine(toView(r)))).join("");
          if (header || body) controller.enqueue(encoder.encode(header + body));
          if (rows.length < pageSize) controller.close();
          else after = cursorAfter(rows.at(-1)!, "older");
        } catch (e) {
          // Headers are gone already: the download breaks off rather than ending early and looking complete.
          console.error(`[${opts.requestId ?? "export"}] audit export failed`, loggableError(e));
          controller.error(new Error("The export stopped because of an error on our side."));
        }
      },
    },
    { highWaterMark: 1 },
  );
}

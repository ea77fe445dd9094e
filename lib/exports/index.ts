import "server-only";
import type { Database } from "@/db";
import { recordAudit, type AuditEventInput } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { requireRecentMfa } from "@/lib/mfa";
import { enforce } from "@/lib/ratelimit";
import { contentDisposition } from "./content-disposition";

/**
 * The checks every export of an organization's data passes, in one place (the audit log and
 * transaction downloads, deliveries to the SFTP outbox): a second factor from the last few minutes
 * (a refusal is itself recorded: a stolen session trying to take the books is worth knowing about),
 * then the per-user export limit. The caller records the export itself once it is under way.
 */
export async function assertExportAllowed(db: Database, session: SessionContext, event: Omit<AuditEventInput, "result">): Promise<void> {
  try {
    requireRecentMfa(session);
  } catch (e) {
    await recordAudit(db, { ...event, result: "denied" });
    throw e;
  }
  await enforce("export-user", session.user.id);
}

/** A streamed file download that no cache keeps and no browser sniffs. */
export function attachmentResponse(body: ReadableStream<Uint8Array>, filename: string, contentType: string): Response {
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": contentDisposition(filename),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
export { downloadResponse, type Download } from "./download";

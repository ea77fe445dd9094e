import "server-only";
import type { RequestMeta } from "@/lib/http";

/** ip / userAgent / requestId of an event, from the request's RequestMeta. */
export function auditRequestFields(meta: RequestMeta | null | undefined): { ip: string | null; userAgent: string | null; requestId: string | null } {
  return { ip: meta?.ip ?? null, userAgent: meta?.userAgent ?? null, requestId: meta?.requestId ?? null };
}

/**
 * The current request's meta where a hook was not handed one (RBAC changes get only the session).
 * Outside a request (scripts, jobs) there is none: the event is recorded without it.
 */
export async function currentAuditMeta(): Promise<RequestMeta | null> {
  try {
    const { currentRequestMeta } = await import("@/lib/http");
    return await currentRequestMeta();
  } catch {
    return null;
  }
}

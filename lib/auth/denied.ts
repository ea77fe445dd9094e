import "server-only";
import type { Database } from "@/db";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import { now } from "@/lib/clock";
import { isAppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { consume } from "@/lib/ratelimit";
import { isTenantMismatch } from "@/lib/rbac";
import type { SessionContext } from "@/lib/credentials";

/** Where a refusal happened: `GET /api/x`, `action /admin/roles`, `page /admin/audit`; never a query string. */
export type DeniedWhere = { route: string; permission: string | null };

/** The same refusal (user, reason, route, permission) is recorded once a minute at most, per instance. */
export const DENIED_REPEAT_MS = 60_000;
const MAX_TRACKED = 10_000;
const lastRecorded = new Map<string, { at: number; suppressed: number }>();

/**
 * The reason a signed-in request was refused, when it is an authorization refusal worth recording
 * (ASVS V16.3.2, V16.3.3): a 403 (missing permission, network not allowed, a fresh or enrolled
 * second factor required), another organization's object (answered as a 404), or a 429 (an
 * anti-automation limit). Null for anything else (bad input, not found, outages).
 */
export function denialCode(e: unknown): string | null {
  if (isTenantMismatch(e)) return "other_organization";
  if (!isAppError(e)) return null;
  return e.status === 403 || e.status === 429 ? e.code : null;
}

/**
 * Records `access.denied` for a signed-in user's refused request, in its own write (the refused
 * change, if any, rolled back). Flood-proof: a repeat of the same refusal within a minute is only
 * counted (the next event says how many were left out), and each user gets at most the
 * `audit-denied-user` budget across routes, so a script hammering forbidden endpoints cannot bury
 * the log. Never throws: the person still gets their 403 when the log cannot be written.
 */
export async function recordDeniedAccess(db: Database, ctx: SessionContext, e: unknown, where: DeniedWhere, meta: RequestMeta | null): Promise<boolean> {
  const code = denialCode(e);
  if (!code) return false;
  const route = where.route.split("?")[0]!.slice(0, 200);
  const key = `${ctx.user.id}|${ctx.organization.id}|${code}|${route}|${where.permission ?? ""}`;
  const t = now().getTime();
  const last = lastRecorded.get(key);
  if (last && t - last.at < DENIED_REPEAT_MS) {
    last.suppressed++;
    return false;
  }
  if (!(await consume("audit-denied-user", ctx.user.id)).success) {
    if (last) last.suppressed++;
    return false;
  }
  if (lastRecorded.size >= MAX_TRACKED) forgetOld(t);
  lastRecorded.set(key, { at: t, suppressed: 0 });
  try {
    await recordAudit(db, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "access.denied",
      result: "denied",
      ...auditRequestFields(meta),
      metadata: { reason: code, route, permission: where.permission, repeatsLeftOut: last?.suppressed ?? 0 },
    });
    return true;
  } catch (err) {
    console.warn(`[audit] access.denied for ${route} not recorded: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

function forgetOld(t: number): void {
  for (const [k, v] of lastRecorded) if (t - v.at >= DENIED_REPEAT_MS) lastRecorded.delete(k);
  // Still full (a flood of distinct routes within a minute): start over rather than grow.
  if (lastRecorded.size >= MAX_TRACKED) lastRecorded.clear();
}

/** Tests only. */
export function resetDeniedAccessForTests(): void {
  lastRecorded.clear();
}

import "server-only";
import { getDb } from "@/db";
import type { JobDefinition } from "@/lib/jobs";
import { writeAuditAnchor } from "./anchor";

/**
 * The scheduled anchor as a pg-boss job (lib/workers puts it on a cron): one run at a time for the
 * whole cluster, so two instances never write two anchors of the same heads. It writes only when a
 * chain head moved since the newest anchor; every backup writes one of its own regardless.
 */
export const auditAnchorJob: JobDefinition<object> = {
  queue: "audit-anchor",
  policy: "singleton",
  retryLimit: 1,
  retryDelaySeconds: 30,
  retryBackoff: false,
  expireInSeconds: 10 * 60,
  run: async () => {
    const result = await writeAuditAnchor(getDb(), { reason: "schedule", onlyIfChanged: true });
    if (result.written) {
      for (const failed of result.stored.filter((x) => !x.ok)) console.error(`[audit] anchor not written to ${failed.location}: ${failed.error}`);
      return { written: true, anchorId: result.anchor.id };
    }
    return { written: false, why: result.why };
  },
};

/**
 * The cron for AUDIT_ANCHOR_INTERVAL_SECONDS: pg-boss schedules by the minute, so the interval is
 * rounded up to whole minutes (60 = every minute); 0 schedules nothing.
 */
export function auditAnchorCron(intervalSeconds: number): string | null {
  if (intervalSeconds <= 0) return null;
  const minutes = Math.max(1, Math.ceil(intervalSeconds / 60));
  return minutes === 1 ? "* * * * *" : `*/${Math.min(minutes, 59)} * * * *`;
}

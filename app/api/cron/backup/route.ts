import { triggerBackup } from "@/lib/backup";
import { requireSchedulerSecret, route } from "@/lib/gate";

export const dynamic = "force-dynamic";

/**
 * The scheduled backup for Vercel Cron / Heroku Scheduler. It enqueues one backup job (backup to
 * every target, verify by restoring into a scratch database, prune, read back every copy) for the
 * workers and answers at once: 202 with the job's id. While a backup waits or runs, on any instance,
 * the answer is 409 with that job's id, so a scheduler retry or a second instance's cron never starts
 * a second one. Guarded like /api/cron/alerts: `Authorization: Bearer <CRON_SECRET>` compared in
 * constant time; without a (long enough) CRON_SECRET the endpoint does not exist.
 */
const run = route({ auth: false }, async ({ req }) => {
  requireSchedulerSecret(req);
  const outcome = await triggerBackup("cron");
  const headers = { "cache-control": "no-store" };
  if (!outcome.queued) {
    return Response.json(
      { error: { code: "backup_running", message: "A backup is already waiting or running; this request did not start another." }, job: { id: outcome.jobId, state: outcome.state } },
      { status: 409, headers },
    );
  }
  return Response.json({ job: { id: outcome.jobId, state: "created" } }, { status: 202, headers });
});

export const GET = run;
export const POST = run;

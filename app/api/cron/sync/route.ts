import { requireSchedulerSecret, route } from "@/lib/gate";
import { enqueueDueSyncs } from "@/lib/sync";

export const dynamic = "force-dynamic";

/**
 * The bank sync schedule for external schedulers (Vercel Cron, Heroku Scheduler): enqueues one sync
 * job per due connection for the workers (pg-boss) and answers at once with how many were due and
 * how many were queued (a connection whose job already waits is not queued twice). With workers in
 * the app's processes the pg-boss cron does the same every minute; this route is for hosts whose
 * processes do not stay up. Public to the session layer but guarded by its own credential:
 * `Authorization: Bearer <CRON_SECRET>` (at least 32 characters); without it the endpoint does not exist.
 */
const run = route({ auth: false }, async ({ req }) => {
  requireSchedulerSecret(req);
  const { due, queued } = await enqueueDueSyncs();
  return Response.json({ due, queued }, { status: 202, headers: { "cache-control": "no-store" } });
});

export const GET = run;
export const POST = run;

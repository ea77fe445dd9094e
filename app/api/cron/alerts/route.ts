import { enqueueDelivery } from "@/lib/alerts";
import { requireSchedulerSecret, route } from "@/lib/gate";

export const dynamic = "force-dynamic";

/**
 * The alert delivery schedule for external schedulers (Vercel Cron, Heroku Scheduler): enqueues the
 * webhook and SIEM delivery job for the workers (pg-boss) and answers 202 with its id (null when one
 * was enqueued within the last two seconds: that one does the work). Public to the session layer but
 * guarded by its own credential: `Authorization: Bearer <CRON_SECRET>` (at least 32 characters);
 * without it the endpoint does not exist.
 */
const run = route({ auth: false }, async ({ req }) => {
  requireSchedulerSecret(req);
  const id = await enqueueDelivery({ key: "cron" });
  return Response.json({ job: id ? { id, state: "created" } : null }, { status: 202, headers: { "cache-control": "no-store" } });
});

export const GET = run;
export const POST = run;

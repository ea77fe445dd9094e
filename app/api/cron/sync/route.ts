import { constantTimeEqual } from "@/lib/crypto";
import { AppError, forbidden } from "@/lib/errors";
import { route } from "@/lib/gate";
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
  const secret = process.env.CRON_SECRET ?? "";
  if (secret.length < 32) throw new AppError("not_found", 404, "Not found.");
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
  // 403 rather than 401: there is no session to sign in to here, only the scheduler's secret.
  if (!given || !constantTimeEqual(given, secret)) throw forbidden("Send the CRON_SECRET as a bearer token.");
  const { due, queued } = await enqueueDueSyncs();
  return Response.json({ due, queued }, { status: 202, headers: { "cache-control": "no-store" } });
});

export const GET = run;
export const POST = run;

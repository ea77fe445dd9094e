import { deliverDueWebhooks, queueAuditStream } from "@/lib/alerts";
import { constantTimeEqual } from "@/lib/crypto";
import { AppError, forbidden } from "@/lib/errors";
import { route } from "@/lib/gate";

export const dynamic = "force-dynamic";

/**
 * The alert delivery worker for schedulers (cron, a platform's scheduled function): queues the
 * SIEM batches, then sends every due webhook. Public to the session layer but guarded by its own
 * credential: `Authorization: Bearer <CRON_SECRET>` (at least 32 characters). Without CRON_SECRET
 * set, the endpoint does not exist (the in-process worker does the job). Safe to call often and
 * concurrently: deliveries are claimed with a lease.
 */
const run = route({ auth: false }, async ({ req, db }) => {
  const secret = process.env.CRON_SECRET ?? "";
  if (secret.length < 32) throw new AppError("not_found", 404, "Not found.");
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
  // 403 rather than 401: there is no session to sign in to here, only the scheduler's secret.
  if (!given || !constantTimeEqual(given, secret)) throw forbidden("Send the CRON_SECRET as a bearer token.");
  const queued = await queueAuditStream(db);
  const delivered = await deliverDueWebhooks(db);
  return Response.json({ auditBatchesQueued: queued, ...delivered }, { headers: { "cache-control": "no-store" } });
});

export const GET = run;
export const POST = run;

import { constantTimeEqual } from "@/lib/crypto";
import { AppError, forbidden } from "@/lib/errors";
import { route } from "@/lib/gate";
import { runDueSyncs } from "@/lib/sync";

export const dynamic = "force-dynamic";
// A run may read a whole history page by page; schedulers should allow it time.
export const maxDuration = 300;

/**
 * The bank sync worker for schedulers (cron, a platform's scheduled function): syncs the
 * connections that are due. Public to the session layer but guarded by its own credential:
 * `Authorization: Bearer <CRON_SECRET>` (at least 32 characters). Without CRON_SECRET set, the
 * endpoint does not exist (the in-process scheduler does the job). Safe to call often and
 * concurrently: each sync takes its connection's lease first.
 */
const run = route({ auth: false }, async ({ req, db }) => {
  const secret = process.env.CRON_SECRET ?? "";
  if (secret.length < 32) throw new AppError("not_found", 404, "Not found.");
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
  // 403 rather than 401: there is no session to sign in to here, only the scheduler's secret.
  if (!given || !constantTimeEqual(given, secret)) throw forbidden("Send the CRON_SECRET as a bearer token.");
  const runs = await runDueSyncs(db, { limit: 10 });
  const by = (s: string) => runs.filter((r) => r.result.status === s).length;
  return Response.json(
    { connections: runs.length, succeeded: by("succeeded"), failed: by("failed"), reauthRequired: by("reauth_required"), locked: by("locked") },
    { headers: { "cache-control": "no-store" } },
  );
});

export const GET = run;
export const POST = run;

import { currentBackupSource, runScheduledBackup } from "@/lib/backup";
import { constantTimeEqual } from "@/lib/crypto";
import { AppError, forbidden } from "@/lib/errors";
import { route } from "@/lib/gate";

export const dynamic = "force-dynamic";
/** A backup, its verifying restore and pruning take minutes on a large database. */
export const maxDuration = 800;

/** One run per process at a time: a second call while one runs gets 409, not a second dump. */
const RUNNING = Symbol.for("chargekeep.backup.cron.running");
type Holder = { [RUNNING]?: boolean };

/**
 * The scheduled backup for Vercel Cron / Heroku Scheduler: backup to every target, verify it by
 * restoring into a scratch database, prune by the retention policy, then read back and check every
 * copy at every target. Guarded like
 * /api/cron/alerts: `Authorization: Bearer <CRON_SECRET>` compared in constant time; without a
 * (long enough) CRON_SECRET the endpoint does not exist. Every step is recorded in backup_runs and
 * the audit log; the answer names the backup and each step's status, never a key or a path secret.
 */
const run = route({ auth: false }, async ({ req, db }) => {
  const secret = process.env.CRON_SECRET ?? "";
  if (secret.length < 32) throw new AppError("not_found", 404, "Not found.");
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!given || !constantTimeEqual(given, secret)) throw forbidden("Send the CRON_SECRET as a bearer token.");
  const holder = globalThis as Holder;
  if (holder[RUNNING]) throw new AppError("backup_running", 409, "A backup is already running.");
  holder[RUNNING] = true;
  try {
    const result = await runScheduledBackup(db, currentBackupSource(), "cron");
    return Response.json(
      {
        backup: { name: result.backup.name, status: result.backup.status, targets: result.backup.targets.map((t) => ({ location: t.location, ok: t.ok })) },
        verify: result.verify ? { status: result.verify.status, tables: result.verify.tables, rows: result.verify.rows } : null,
        prune: result.prune ? { run: result.prune.runId, deleted: result.prune.deleted.length, kept: result.prune.kept.length } : result.pruneError ? { error: "failed" } : null,
        copies: result.copies
          ? { run: result.copies.runId, status: result.copies.status, verified: result.copies.copies.filter((c) => c.state === "verified").length, failed: result.copies.copies.filter((c) => c.state === "failed").length }
          : result.copiesError
            ? { error: "failed" }
            : null,
      },
      { status: result.backup.status === "failed" ? 500 : 200, headers: { "cache-control": "no-store" } },
    );
  } finally {
    holder[RUNNING] = false;
  }
});

export const GET = run;
export const POST = run;

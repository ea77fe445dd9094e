import "server-only";
import { constantTimeEqual } from "@/lib/crypto";
import { AppError, forbidden } from "@/lib/errors";

/**
 * The schedulers' credential for the cron routes (Vercel Cron, Heroku Scheduler): `Authorization:
 * Bearer <CRON_SECRET>` compared in constant time. Without a CRON_SECRET of at least 32 characters the
 * routes do not exist (404); a wrong or missing bearer is 403 (there is no session to sign in to).
 */
export function requireSchedulerSecret(req: Request): void {
  const secret = process.env.CRON_SECRET ?? "";
  if (secret.length < 32) throw new AppError("not_found", 404, "Not found.");
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!given || !constantTimeEqual(given, secret)) throw forbidden("Send the CRON_SECRET as a bearer token.");
}

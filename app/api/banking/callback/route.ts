import { z } from "zod";
import { boundaryText, loggableError, parseOrThrow } from "@/lib/http";
import { route } from "@/lib/gate";
import { completeConnection } from "@/lib/banking";
import { env } from "@/lib/env";
import { requestSync } from "@/lib/sync";

export const dynamic = "force-dynamic";

// The bank's answer: a code (or an error) with our state, and RFC 9207's iss. Bounded, nothing else read.
const callbackQuerySchema = z.object({
  state: boundaryText().max(512, "The bank's answer is malformed.").optional(),
  code: boundaryText().max(4096, "The bank's answer is malformed.").optional(),
  iss: boundaryText().max(2048, "The bank's answer is malformed.").optional(),
  error: boundaryText().max(256, "The bank's answer is malformed.").optional(),
  error_description: boundaryText().max(2048, "The bank's answer is malformed.").optional(),
});

function back(path: string): Response {
  // 303 so the browser GETs the page; no-referrer so the one-time code in this URL goes nowhere.
  return new Response(null, {
    status: 303,
    headers: { location: new URL(path, env().APP_URL).href, "cache-control": "no-store", "referrer-policy": "no-referrer" },
  });
}

/**
 * GET /api/banking/callback: where the bank sends the browser back. Needs the session that started
 * the attempt (bank_connections:manage); lib/banking does every check and audits every refusal.
 */
export const GET = route({ auth: true, permission: "bank_connections:manage" }, async ({ req, session, meta, db }) => {
  const url = new URL(req.url);
  parseOrThrow(callbackQuerySchema, Object.fromEntries(url.searchParams));
  const outcome = await completeConnection(db, session, url, meta);
  if (!outcome.ok) return back(`/connections?notice=${outcome.notice}`);
  try {
    requestSync(outcome.connectionId, outcome.reauthorized ? "manual" : "initial");
  } catch (e) {
    // The connection is saved; the scheduler picks it up (next_sync_at is now) if this start failed.
    console.error(`[${meta.requestId}] could not start the first sync`, loggableError(e));
  }
  return back(`/connections/${outcome.connectionId}?notice=${outcome.reauthorized ? "reauthorized" : "connected"}`);
});

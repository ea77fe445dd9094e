import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/db/errors";
import { requireSessionFromRequest, sessionTokenFromRequest } from "@/lib/auth";
import { route } from "@/lib/http";
import { queueHealthFor } from "@/lib/jobs";

export const dynamic = "force-dynamic";

/**
 * Load balancers and monitors need an answer, not a hang: past this the database counts as
 * unreachable (503) whatever the pool is still waiting for. README promises a 503 within 1 s.
 */
const DEADLINE_MS = 800;

export const GET = route({ auth: false }, async ({ req }) => {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, DEADLINE_MS, "timeout")));
  try {
    const probe = getDb().execute(sql`select 1`).then(() => "ok" as const);
    probe.catch(() => {}); // it may settle after the deadline answered
    const outcome = await Promise.race([probe, deadline]);
    if (outcome === "ok") {
      const latencyMs = Math.round(performance.now() - started);
      const jobs = await operatorDetail(req);
      return Response.json({ status: "ok", database: "ok", latencyMs, ...(jobs ? { jobs } : {}) }, { headers: { "cache-control": "no-store" } });
    }
  } catch {
    // unreachable: answered below
  } finally {
    clearTimeout(timer);
  }
  return Response.json(
    { status: "unavailable", database: "unreachable" },
    { status: 503, headers: { "cache-control": "no-store", "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } },
  );
});

/**
 * Operators signed in (a full session, through the gate: MFA done, network rules) also get the job
 * queues' health; anyone else, including a monitor without a session, gets the plain answer.
 */
async function operatorDetail(req: Request) {
  if (!sessionTokenFromRequest(req)) return null;
  const ctx = await requireSessionFromRequest(req).catch(() => null);
  return queueHealthFor(ctx);
}

import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/db/errors";

/**
 * Load balancers and monitors need an answer, not a hang: past this the database counts as
 * unreachable (503) whatever the pool is still waiting for. README promises a 503 within 1 s.
 */
const DEADLINE_MS = 800;

/**
 * `GET /api/health`: 200 with the database's round trip, or 503 with Retry-After when it does not answer in time.
 * `detail` adds fields for who may see more (operators: the job queues); null for everyone else.
 */
export async function healthResponse(db: Database, detail?: () => Promise<Record<string, unknown> | null>): Promise<Response> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, DEADLINE_MS, "timeout")));
  try {
    const probe = db.execute(sql`select 1`).then(() => "ok" as const);
    probe.catch(() => {}); // it may settle after the deadline answered
    const outcome = await Promise.race([probe, deadline]);
    if (outcome === "ok") {
      const latencyMs = Math.round(performance.now() - started);
      const extra = detail ? await detail() : null;
      return Response.json({ status: "ok", database: "ok", latencyMs, ...extra }, { headers: { "cache-control": "no-store" } });
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
}

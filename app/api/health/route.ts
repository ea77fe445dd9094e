import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { route } from "@/lib/http";

export const dynamic = "force-dynamic";

export const GET = route({ auth: false }, async () => {
  const started = performance.now();
  try {
    await getDb().execute(sql`select 1`);
    return Response.json(
      { status: "ok", database: "ok", latencyMs: Math.round(performance.now() - started) },
      { headers: { "cache-control": "no-store" } },
    );
  } catch {
    return Response.json({ status: "unavailable", database: "unreachable" }, { status: 503, headers: { "cache-control": "no-store" } });
  }
});

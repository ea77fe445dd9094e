import { progressView, runningRunsFor } from "@/lib/backup";
import { route } from "@/lib/gate";

export const dynamic = "force-dynamic";

/** The backups page polls this while a run is running (issue 22): operators only (lib/backup decides). */
export const GET = route({ auth: true, permission: "backups:read" }, async ({ session, db }) => {
  const runs = await runningRunsFor(db, session);
  return Response.json({ runs: runs.map(progressView) }, { headers: { "cache-control": "no-store" } });
});

import { z } from "zod";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/gate";
import { getSyncProgress } from "@/lib/sync";

export const dynamic = "force-dynamic";

const connectionIdSchema = z.uuid();

/**
 * The connection page polls this while a sync runs (issue 22): the newest run's counters. Scoped by
 * the session's organization, so another organization's connection id is "not found" like any unknown id.
 */
export const GET = route({ auth: true, permission: "bank_connections:read" }, async ({ session, params, db }) => {
  const id = connectionIdSchema.safeParse(params.connectionId);
  if (!id.success) throw notFound("That connection");
  const progress = await getSyncProgress(db, session.organization.id, id.data.toLowerCase());
  if (!progress) throw notFound("That connection");
  return Response.json(progress, { headers: { "cache-control": "no-store" } });
});

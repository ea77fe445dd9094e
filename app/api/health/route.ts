import { requireSessionFromRequest, sessionTokenFromRequest } from "@/lib/auth";
import { route } from "@/lib/gate";
import { healthResponse } from "@/lib/health";
import { queueHealthFor } from "@/lib/jobs";

export const dynamic = "force-dynamic";

/** Liveness and database reachability for load balancers and monitors (lib/health). */
export const GET = route({ auth: false }, ({ db, req }) => healthResponse(db, () => operatorDetail(req)));

/**
 * Operators signed in (a full session, through the gate: MFA done, network rules) also get the job
 * queues' health; anyone else, including a monitor without a session, gets the plain answer.
 */
async function operatorDetail(req: Request): Promise<{ jobs: unknown } | null> {
  if (!sessionTokenFromRequest(req)) return null;
  const ctx = await requireSessionFromRequest(req).catch(() => null);
  const jobs = await queueHealthFor(ctx);
  return jobs ? { jobs } : null;
}

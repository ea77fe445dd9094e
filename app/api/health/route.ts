import { route } from "@/lib/gate";
import { healthResponse } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Liveness and database reachability for load balancers and monitors (lib/health). */
export const GET = route({ auth: false }, ({ db }) => healthResponse(db));

import { route } from "@/lib/gate";

export const dynamic = "force-dynamic";

/** The benchmark's bare baseline: no session, no database. */
export const GET = route({ auth: false }, () => Response.json({ pong: true }));

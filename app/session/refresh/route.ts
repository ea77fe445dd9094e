import { route } from "@/lib/http";
import { safeNextPath } from "@/lib/http/safe-redirect";

export const dynamic = "force-dynamic";

/**
 * Pages cannot set cookies. When a member's privileges changed, their page request is sent here:
 * the route wrapper gives the session a new id (Set-Cookie) and we return to where they were.
 */
export const GET = route({ auth: true }, ({ req }) => {
  const next = safeNextPath(new URL(req.url).searchParams.get("next"));
  return new Response(null, { status: 303, headers: { location: next, "cache-control": "no-store" } });
});

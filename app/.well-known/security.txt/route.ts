import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { route } from "@/lib/gate";

export const dynamic = "force-dynamic";

/** RFC 9116. Expires is always about a year ahead, so a deployed copy never goes stale. */
export const GET = route({ auth: false }, () => {
  const { APP_URL, SECURITY_CONTACT } = env();
  const expires = new Date(now().getTime() + 365 * 24 * 3_600_000);
  expires.setUTCHours(0, 0, 0, 0);
  const body = [
    `Contact: ${SECURITY_CONTACT}`,
    `Contact: ${APP_URL}/contact`,
    `Expires: ${expires.toISOString()}`,
    "Preferred-Languages: en",
    `Canonical: ${APP_URL}/.well-known/security.txt`,
    "",
  ].join("\n");
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "public, max-age=3600" } });
});

import { isIP } from "node:net";

/**
 * Which header names the client address depends on who sits in front of the app; every other
 * forwarding header is attacker-controlled and ignored.
 * - vercel: Vercel's edge overwrites x-real-ip with the connecting address.
 * - heroku: the router appends the connecting address as the LAST x-forwarded-for entry.
 * - none: our own server (scripts/server.ts) stamps the socket address together with a per-boot
 *   secret; without that secret the header is ignored.
 */
export type ProxyTrust = "none" | "vercel" | "heroku";

export const EDGE_IP_HEADER = "x-ck-client-ip";
export const EDGE_SECRET_HEADER = "x-ck-edge";

function clean(value: string | null | undefined): string | null {
  if (!value) return null;
  let v = value.trim();
  if (v.startsWith("::ffff:") && isIP(v.slice(7)) === 4) v = v.slice(7);
  return isIP(v) ? v : null;
}

export function clientIpFrom(headers: Headers, trust: ProxyTrust, edgeSecret = process.env.CK_EDGE_SECRET): string | null {
  switch (trust) {
    case "vercel":
      return clean(headers.get("x-real-ip"));
    case "heroku": {
      const parts = (headers.get("x-forwarded-for") ?? "").split(",");
      return clean(parts[parts.length - 1]);
    }
    case "none": {
      if (!edgeSecret || headers.get(EDGE_SECRET_HEADER) !== edgeSecret) return null;
      return clean(headers.get(EDGE_IP_HEADER));
    }
  }
}

/** The scheme the browser used, as far as a trusted proxy tells us. */
export function forwardedProto(headers: Headers, trust: ProxyTrust): string | null {
  if (trust === "none") return null;
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() ?? null;
}

import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * What proxy.ts worked out about a request, handed to the pages, actions and route handlers behind it
 * instead of being recomputed: the client address (from the deployment's trusted header, TRUST_PROXY)
 * and that the global firewall rules allowed it. The proxy removes any copy a client sent and stamps
 * the request with a per-process secret; a header without that secret is ignored, and the reader then
 * works the address out itself (tests calling a handler directly, or a host that runs the proxy in a
 * separate process).
 */
export const PROXY_STAMP_HEADER = "x-ck-proxy-stamp";
export const PROXY_IP_HEADER = "x-ck-proxy-ip";

// On globalThis: the proxy and the app have separate module graphs in one process.
const KEY = Symbol.for("chargekeep.proxy-stamp");
const holder = globalThis as { [KEY]?: string };
const secret = () => (holder[KEY] ??= randomBytes(32).toString("base64url"));

/** proxy.ts, for a request it lets through (so the global firewall allowed `ip`). */
export function stampRequest(headers: Headers, ip: string | null): void {
  headers.set(PROXY_IP_HEADER, ip ?? "");
  headers.set(PROXY_STAMP_HEADER, secret());
}

/** proxy.ts, first: a client's own copy of these headers never reaches the app. */
export function unstampRequest(headers: Headers): void {
  headers.delete(PROXY_IP_HEADER);
  headers.delete(PROXY_STAMP_HEADER);
}

/** The proxy's findings, or null when this process's proxy did not stamp the request. */
export function proxyStamp(headers: Headers): { ip: string | null; globalFirewallAllowed: true } | null {
  const given = Buffer.from(headers.get(PROXY_STAMP_HEADER) ?? "");
  const expected = Buffer.from(secret());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { ip: headers.get(PROXY_IP_HEADER) || null, globalFirewallAllowed: true };
}

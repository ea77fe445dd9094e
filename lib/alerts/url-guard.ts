import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { badRequest } from "@/lib/errors";

/**
 * SSRF guard for webhook URLs (ASVS V1.3.6: outbound requests to URLs an organization supplies go
 * only to the public internet). In production: https only, no credentials in the URL, and every
 * address the host name resolves to must be public; the address is checked again at connection
 * time (webhookLookup), so a DNS answer that changes after the webhook was saved (rebinding) still
 * cannot reach loopback, private, link-local or metadata addresses. In development and tests,
 * http://localhost is allowed too, so a local receiver works.
 */

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // old site-local
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** IPv4 embedded in an IPv6 address (::ffff:a.b.c.d mapped, 64:ff9b::/96 NAT64, ::a.b.c.d compatible). */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = lower.match(/^(?:::ffff:|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) return dotted[1]!;
  const hex = lower.match(/^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** True for every address a webhook must not reach in production. Unparseable input counts as private. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, "ipv4");
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4) return isPrivateAddress(v4);
    return blocked.check(bare, "ipv6");
  }
  return true;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const MAX_URL_LENGTH = 2000;

const refuse = (message: string) => badRequest(message, { url: message });

/** Syntax and scheme rules; throws a 400 with a field error on `url`. Does not resolve the host. */
export function parseWebhookUrl(raw: string, opts: { production: boolean }): URL {
  if (raw.length > MAX_URL_LENGTH) throw refuse(`Use a URL of at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse("Enter a full URL starting with https://.");
  }
  if (url.username || url.password) throw refuse("Put no user name or password in the URL; the signature authenticates ChargeKeep.");
  const local = LOCAL_HOSTS.has(url.hostname);
  if (url.protocol === "https:") {
    // fine
  } else if (url.protocol === "http:" && local && !opts.production) {
    // a local receiver during development and tests
  } else {
    throw refuse(opts.production || !local ? "Use an https:// URL." : "Use an https:// URL (http:// only for localhost during development).");
  }
  if (opts.production && isIP(url.hostname.replace(/^\[|\]$/g, "")) && isPrivateAddress(url.hostname)) {
    throw refuse("That address is private or local; webhooks only go to public internet addresses.");
  }
  if (opts.production && (local || url.hostname.endsWith(".localhost") || url.hostname.endsWith(".internal"))) {
    throw refuse("That address is private or local; webhooks only go to public internet addresses.");
  }
  return url;
}

type Lookup = (hostname: string, options: { all: true }, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

function resolveAll(hostname: string, lookup: Lookup = dnsLookup as unknown as Lookup): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => lookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

/**
 * The full check when a webhook is saved: syntax, then (production) every resolved address public.
 * `lookup` is injectable for tests.
 */
export async function assertWebhookUrlAllowed(raw: string, opts: { production: boolean; lookup?: Lookup }): Promise<URL> {
  const url = parseWebhookUrl(raw, opts);
  if (!opts.production) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return url; // literal checked by parseWebhookUrl
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host, opts.lookup);
  } catch {
    throw refuse("That host name does not resolve.");
  }
  if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
    throw refuse("That host resolves to a private or local address; webhooks only go to public internet addresses.");
  }
  return url;
}

export class PrivateAddressError extends Error {
  constructor(readonly address: string) {
    super(`refused to connect to private address ${address}`);
    this.name = "PrivateAddressError";
  }
}

/**
 * A `lookup` for http(s).request that refuses private answers when `production`: checked at
 * connection time, on the very address the socket connects to.
 */
export function webhookLookup(production: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, cb: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { all: true, family: typeof options.family === "number" ? options.family : 0 }, (err, addresses) => {
      if (err) return cb(err);
      const bad = production ? addresses.find((a) => isPrivateAddress(a.address)) : undefined;
      if (bad) return cb(new PrivateAddressError(bad.address));
      if (addresses.length === 0) return cb(new Error(`no address for ${hostname}`));
      if (options.all) return cb(null, addresses);
      cb(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * Whether webhooks get the production guard (https, public addresses only). A production build
 * served on a loopback http:// APP_URL (a local production run, as the multi-instance test and e2e
 * use) is treated as development, the rule lib/banking's issuer policy follows: a deployed app has
 * an https APP_URL, so it always gets the full guard.
 */
export function webhookGuardProduction(config: { NODE_ENV: string; APP_URL: string }): boolean {
  if (config.NODE_ENV !== "production") return false;
  const app = new URL(config.APP_URL);
  return !(app.protocol === "http:" && LOCAL_HOSTS.has(app.hostname));
}

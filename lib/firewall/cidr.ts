import { isIP, SocketAddress } from "node:net";

/**
 * IPv4 and IPv6 networks, pure and dependency-free (the middleware imports this). Addresses are
 * handled as bytes so masking is exact; IPv4-mapped IPv6 (::ffff:1.2.3.4) is treated as the IPv4
 * address it carries, both for client addresses and for rules.
 */
export type Family = "ipv4" | "ipv6";
export type Network = { family: Family; address: string; prefix: number; cidr: string };

/** Why a CIDR was refused, in words for the person who typed it. */
export class CidrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CidrError";
  }
}

function v4Bytes(ip: string): number[] {
  return ip.split(".").map(Number);
}

function v6Bytes(ip: string): number[] {
  let text = ip;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tail = v4Bytes(text.slice(lastColon + 1));
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const [head = "", rest] = text.split("::") as [string, string | undefined];
  const groups = (s: string) => (s ? s.split(":") : []);
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const missing = 8 - h.length - r.length;
  const all = [...h, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...r].map((g) => parseInt(g, 16));
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function isMapped(bytes: number[]): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function format(family: Family, bytes: number[]): string {
  if (family === "ipv4") return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // SocketAddress prints the canonical (RFC 5952) text: lower case, longest zero run as "::".
  return new SocketAddress({ address: groups.join(":"), family: "ipv6" }).address;
}

/**
 * A client address in the form the firewall compares: valid IPv4 or IPv6, IPv4-mapped IPv6 turned
 * into IPv4. Null for anything else (zone ids, garbage), which matches no network.
 */
export function normaliseIp(ip: string | null | undefined): { family: Family; address: string } | null {
  if (!ip) return null;
  const v = ip.trim();
  const kind = isIP(v);
  if (kind === 4) return { family: "ipv4", address: v };
  if (kind !== 6 || v.includes("%")) return null;
  const bytes = v6Bytes(v);
  if (isMapped(bytes)) return { family: "ipv4", address: bytes.slice(12).join(".") };
  return { family: "ipv6", address: format("ipv6", bytes) };
}

function mask(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

/**
 * Parses "10.0.0.0/8", "2001:db8::/32" or a single address (a /32 or /128). `strict` refuses host
 * bits (10.1.2.3/8), which people type by mistake meaning one host; otherwise they are cleared.
 */
export function parseCidr(input: string, options: { strict?: boolean } = {}): Network {
  const text = input.trim();
  if (!text) throw new CidrError("Enter an IP address or a network such as 203.0.113.0/24 or 2001:db8::/32.");
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  const kind = isIP(addressText);
  if (!kind || addressText.includes("%")) {
    throw new CidrError(`"${input.slice(0, 60)}" is not an IP address or network. Use a form such as 203.0.113.0/24 or 2001:db8::/32.`);
  }
  let family: Family = kind === 4 ? "ipv4" : "ipv6";
  let bytes = family === "ipv4" ? v4Bytes(addressText) : v6Bytes(addressText);
  const max = family === "ipv4" ? 32 : 128;
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText)) throw new CidrError(`The part after "/" must be a number from 0 to ${max}.`);
  let prefix = prefixText === null ? max : Number(prefixText);
  if (prefix > max) throw new CidrError(`An ${family === "ipv4" ? "IPv4" : "IPv6"} prefix is at most /${max}.`);
  if (family === "ipv6" && isMapped(bytes) && prefix >= 96) {
    family = "ipv4";
    bytes = bytes.slice(12);
    prefix -= 96;
  }
  const masked = mask(bytes, prefix);
  const address = format(family, masked);
  if (options.strict && masked.some((b, i) => b !== bytes[i])) {
    throw new CidrError(`${input.trim()} has bits set after the /${prefix}: did you mean the network ${address}/${prefix}, or the single address ${format(family, bytes)}?`);
  }
  return { family, address, prefix, cidr: `${address}/${prefix}` };
}

/** "10.1.2.3/8" -> "10.0.0.0/8"; throws CidrError when it is not a network. */
export function normaliseCidr(input: string): string {
  return parseCidr(input).cidr;
}

/** Whether an address lies in a network. Unparseable input matches nothing. */
export function ipMatchesCidr(ip: string | null | undefined, cidr: string): boolean {
  const addr = normaliseIp(ip);
  if (!addr) return false;
  let net: Network;
  try {
    net = parseCidr(cidr);
  } catch {
    return false;
  }
  if (net.family !== addr.family) return false;
  const bytes = addr.family === "ipv4" ? v4Bytes(addr.address) : v6Bytes(addr.address);
  const m = mask(bytes, net.prefix);
  return format(net.family, m) === net.address;
}

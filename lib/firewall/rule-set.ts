import { BlockList } from "node:net";
import { normaliseIp, parseCidr } from "./cidr";

/** A rule as the decision needs it (the database row minus bookkeeping). */
export type ActiveRule = {
  id: string;
  scope: "global" | "organization";
  organizationId: string | null;
  cidr: string;
  action: "allow" | "deny";
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
};

export type FirewallDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** global_deny: the whole service refuses this address; org_deny / org_allowlist: only that organization's sessions. */
      reason: "global_deny" | "org_deny" | "org_allowlist";
    };

/**
 * Single addresses (/32, /128: what automatic blocks add, possibly by the thousand) in a Set, one
 * hash lookup; networks in a node:net BlockList, whose check is linear in its entries.
 */
type Matcher = { hosts: Set<string>; list: BlockList; subnets: number; size: number };
type OrgRules = { allow: Matcher; deny: Matcher };

/** The rules compiled into address matchers (node:net BlockList), valid until `validUntil`. */
export type CompiledRules = {
  rules: ActiveRule[];
  globalDeny: Matcher;
  globalAllow: Matcher;
  orgs: Map<string, OrgRules>;
  /** The earliest expiry among the rules: past it, recompile without the expired ones. */
  validUntil: number;
};

const matcher = (): Matcher => ({ hosts: new Set(), list: new BlockList(), subnets: 0, size: 0 });

function add(m: Matcher, cidr: string): void {
  const net = parseCidr(cidr);
  if (net.prefix === (net.family === "ipv4" ? 32 : 128)) m.hosts.add(net.address);
  else {
    m.list.addSubnet(net.address, net.prefix, net.family);
    m.subnets += 1;
  }
  m.size += 1;
}

/** Builds the matchers from the rules still in force at `at` (epoch ms); an unparseable stored rule is skipped. */
export function compileRules(all: ActiveRule[], at: number): CompiledRules {
  const rules = all.filter((r) => r.expiresAt === null || r.expiresAt > at);
  const compiled: CompiledRules = { rules, globalDeny: matcher(), globalAllow: matcher(), orgs: new Map(), validUntil: Infinity };
  for (const r of rules) {
    if (r.expiresAt !== null) compiled.validUntil = Math.min(compiled.validUntil, r.expiresAt);
    try {
      if (r.scope === "global") {
        add(r.action === "deny" ? compiled.globalDeny : compiled.globalAllow, r.cidr);
      } else if (r.organizationId) {
        let org = compiled.orgs.get(r.organizationId);
        if (!org) compiled.orgs.set(r.organizationId, (org = { allow: matcher(), deny: matcher() }));
        add(r.action === "deny" ? org.deny : org.allow, r.cidr);
      }
    } catch {
      console.warn(`[firewall] rule ${r.id} has an invalid network (${r.cidr.slice(0, 60)}); ignored`);
    }
  }
  return compiled;
}

const ALLOWED: FirewallDecision = { allowed: true };

/**
 * The semantics, in order:
 * 1. a global deny blocks everyone from that network, unless a global allow (a trusted network the
 *    operators exempted, e.g. the office) covers the address;
 * 2. for a session of an organization: its deny rules block; if it has any allow rule, only
 *    addresses inside its allow rules get in (an unknown address is outside).
 * An address that cannot be determined matches no global rule: the middleware cannot block what it
 * cannot see, but an allow-list still refuses it.
 */
/** `globalDecided`: the proxy already applied the global rules to this request (lib/http/proxy-stamp.ts). */
export function decide(compiled: CompiledRules, ip: string | null | undefined, organizationId?: string | null, globalDecided = false): FirewallDecision {
  const addr = normaliseIp(ip);
  // normaliseIp gives the canonical text parseCidr stores, so equal addresses compare equal.
  const inside = (m: Matcher) => addr !== null && (m.hosts.has(addr.address) || (m.subnets > 0 && m.list.check(addr.address, addr.family)));
  if (!globalDecided && inside(compiled.globalDeny) && !inside(compiled.globalAllow)) return { allowed: false, reason: "global_deny" };
  if (!organizationId) return ALLOWED;
  const org = compiled.orgs.get(organizationId);
  if (!org) return ALLOWED;
  if (inside(org.deny)) return { allowed: false, reason: "org_deny" };
  if (org.allow.size > 0 && !inside(org.allow)) return { allowed: false, reason: "org_allowlist" };
  return ALLOWED;
}

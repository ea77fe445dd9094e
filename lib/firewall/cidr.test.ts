import { describe, expect, it } from "vitest";
import { CidrError, ipMatchesCidr, normaliseCidr, normaliseIp, parseCidr } from "./cidr";
import { compileRules, decide, type ActiveRule } from "./rule-set";

describe("CIDR networks", () => {
  it("IPv4: parses, clears host bits, matches only inside the network", () => {
    expect(normaliseCidr("10.1.2.3/8")).toBe("10.0.0.0/8");
    expect(normaliseCidr("198.51.100.7")).toBe("198.51.100.7/32");
    expect(ipMatchesCidr("10.255.0.1", "10.0.0.0/8")).toBe(true);
    expect(ipMatchesCidr("11.0.0.1", "10.0.0.0/8")).toBe(false);
    expect(ipMatchesCidr("203.0.113.255", "203.0.113.0/24")).toBe(true);
    expect(ipMatchesCidr("203.0.114.0", "203.0.113.0/24")).toBe(false);
    expect(ipMatchesCidr("1.2.3.4", "0.0.0.0/0")).toBe(true);
  });

  it("IPv6: canonical form, prefix matching across the 128 bits", () => {
    expect(normaliseCidr("2001:DB8:0:0:1::/32")).toBe("2001:db8::/32");
    expect(normaliseCidr("2001:db8::1")).toBe("2001:db8::1/128");
    expect(ipMatchesCidr("2001:db8:ffff::1", "2001:db8::/32")).toBe(true);
    expect(ipMatchesCidr("2001:db9::1", "2001:db8::/32")).toBe(false);
    expect(ipMatchesCidr("2001:db8:0:1::5", "2001:db8:0:1::/64")).toBe(true);
    expect(ipMatchesCidr("2001:db8:0:2::5", "2001:db8:0:1::/64")).toBe(false);
    // a /127 splits on the very last bit
    expect(ipMatchesCidr("2001:db8::3", "2001:db8::2/127")).toBe(true);
    expect(ipMatchesCidr("2001:db8::4", "2001:db8::2/127")).toBe(false);
  });

  it("IPv4-mapped IPv6 is the IPv4 address it carries, for clients and rules; families never cross", () => {
    expect(normaliseIp("::ffff:192.0.2.1")).toEqual({ family: "ipv4", address: "192.0.2.1" });
    expect(ipMatchesCidr("::ffff:192.0.2.1", "192.0.2.0/24")).toBe(true);
    expect(normaliseCidr("::ffff:192.0.2.0/120")).toBe("192.0.2.0/24");
    expect(ipMatchesCidr("192.0.2.1", "::/0")).toBe(false);
    expect(ipMatchesCidr("2001:db8::1", "0.0.0.0/0")).toBe(false);
  });

  it("V2.2.1 refuses what is not a network, with a message a person understands", () => {
    for (const bad of ["", "10.0.0.0/33", "2001:db8::/129", "10.0.0/8", "example.com", "10.0.0.0/x", "fe80::1%eth0", "1.2.3.4/-1"]) {
      expect(() => parseCidr(bad), bad).toThrow(CidrError);
    }
    expect(() => parseCidr("10.1.2.3/8", { strict: true })).toThrow(/did you mean the network 10\.0\.0\.0\/8, or the single address 10\.1\.2\.3/);
    expect(normaliseIp("not an ip")).toBeNull();
    expect(ipMatchesCidr(null, "0.0.0.0/0")).toBe(false);
  });
});

const rule = (r: Partial<ActiveRule> & Pick<ActiveRule, "cidr" | "action">): ActiveRule => ({
  id: Math.random().toString(36),
  scope: "global",
  organizationId: null,
  expiresAt: null,
  ...r,
});

describe("rule semantics", () => {
  const t = Date.parse("2026-05-01T12:00:00Z");

  it("a global deny blocks everyone in the network unless a global allow exempts the address", () => {
    const c = compileRules([rule({ cidr: "203.0.113.0/24", action: "deny" }), rule({ cidr: "203.0.113.8/29", action: "allow" })], t);
    expect(decide(c, "203.0.113.1")).toEqual({ allowed: false, reason: "global_deny" });
    expect(decide(c, "203.0.113.9")).toEqual({ allowed: true });
    expect(decide(c, "198.51.100.1")).toEqual({ allowed: true });
    expect(decide(c, null)).toEqual({ allowed: true }); // cannot block what it cannot see
  });

  it("V8.2.1 an organization allow-list confines only that organization's sessions, and refuses an unknown address", () => {
    const c = compileRules([rule({ scope: "organization", organizationId: "org-a", cidr: "2001:db8:a::/48", action: "allow" })], t);
    expect(decide(c, "2001:db8:a:1::9", "org-a")).toEqual({ allowed: true });
    expect(decide(c, "2001:db8:b::9", "org-a")).toEqual({ allowed: false, reason: "org_allowlist" });
    expect(decide(c, null, "org-a")).toEqual({ allowed: false, reason: "org_allowlist" });
    expect(decide(c, "2001:db8:b::9", "org-b")).toEqual({ allowed: true });
    expect(decide(c, "2001:db8:b::9")).toEqual({ allowed: true }); // no session: the middleware's view
  });

  it("an organization deny rule wins over its allow rule for the same address", () => {
    const c = compileRules(
      [
        rule({ scope: "organization", organizationId: "o", cidr: "10.0.0.0/8", action: "allow" }),
        rule({ scope: "organization", organizationId: "o", cidr: "10.6.0.0/16", action: "deny" }),
      ],
      t,
    );
    expect(decide(c, "10.1.1.1", "o").allowed).toBe(true);
    expect(decide(c, "10.6.1.1", "o")).toEqual({ allowed: false, reason: "org_deny" });
  });

  it("single-address rules (automatic blocks) match whatever notation the client address comes in", () => {
    const c = compileRules([rule({ cidr: "2001:db8::7/128", action: "deny" }), rule({ cidr: "192.0.2.9/32", action: "deny" })], t);
    expect(decide(c, "2001:0DB8:0:0:0:0:0:7").allowed).toBe(false);
    expect(decide(c, "::ffff:192.0.2.9").allowed).toBe(false);
    expect(decide(c, "2001:db8::8").allowed).toBe(true);
    expect(decide(c, "192.0.2.10").allowed).toBe(true);
  });

  it("an expired rule no longer applies, and the compiled set knows when to recompile", () => {
    const c = compileRules([rule({ cidr: "192.0.2.0/24", action: "deny", expiresAt: t + 60_000 }), rule({ cidr: "198.51.100.0/24", action: "deny", expiresAt: t - 1 })], t);
    expect(c.validUntil).toBe(t + 60_000);
    expect(decide(c, "192.0.2.5").allowed).toBe(false);
    expect(decide(c, "198.51.100.5").allowed).toBe(true);
    expect(decide(compileRules(c.rules, t + 60_000), "192.0.2.5").allowed).toBe(true);
  });
});

import { inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { firewallRules } from "@/db/schema";
import { validateSessionToken, type SessionContext } from "@/lib/auth";
import type { RequestMeta } from "@/lib/http";
import { expectAudited } from "@/tests/audit";
import { makeSession, makeSteppedUpSession, makeUser } from "@/tests/factories";
import { firewallDecision } from "./cache";
import { addFirewallRule, listFirewallRules } from "./store";
import { createRuleAsAdmin, endRuleAsAdmin, firewallRuleFormSchema, listRulesAsAdmin, SELF_BLOCK_END_MESSAGE, SELF_BLOCK_MESSAGE } from "./manage";

const db = () => getDb();
const meta = (ip: string | null): RequestMeta => ({ ip, userAgent: "vitest", requestId: "req-fw" });
const form = (o: Record<string, string>) => firewallRuleFormSchema.parse(o);

async function ctxOf(token: string): Promise<SessionContext> {
  const ctx = await validateSessionToken(db(), token);
  if (!ctx) throw new Error("no session");
  return ctx;
}

async function owner(opts: { operator?: boolean } = {}) {
  const u = await makeUser({ operator: opts.operator });
  return { ...u, ctx: await ctxOf((await makeSteppedUpSession(u.user.id, u.organizationId)).token) };
}

// Global rules reach every test sharing this database: each test removes the ones it made.
const globalIds: string[] = [];
afterEach(async () => {
  if (globalIds.length) await db().delete(firewallRules).where(inArray(firewallRules.id, globalIds.splice(0)));
});

describe("firewall rules from the dashboard", () => {
  it("V16.3.2 an owner adds an organization rule: stored normalised, in force at once, audited", async () => {
    const o = await owner();
    const { id, cidr } = await createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, form({ cidr: "2001:DB8:77::/48", action: "deny", reason: "old office" }), meta("198.51.100.4"));
    expect(cidr).toBe("2001:db8:77::/48");
    expect(firewallDecision("2001:db8:77::1", { organizationId: o.organizationId })).toEqual({ allowed: false, reason: "org_deny" });
    expect(firewallDecision("2001:db8:77::1")).toEqual({ allowed: true }); // not a global rule
    await expectAudited(db(), {
      action: "firewall.rule_created",
      organizationId: o.organizationId,
      actorUserId: o.user.id,
      targetId: id,
      metadata: { scope: "organization", cidr: "2001:db8:77::/48", ruleAction: "deny" },
    });
  });

  it("V8.2.1 a role without security:manage gets 403, and so does an owner without a recent second factor", async () => {
    const o = await owner();
    const admin = await makeUser({ organizationId: o.organizationId, role: "admin" });
    const adminCtx = await ctxOf((await makeSteppedUpSession(admin.user.id, o.organizationId)).token);
    const input = form({ cidr: "192.0.2.0/24", action: "deny", reason: "x" });
    await expect(createRuleAsAdmin(db(), adminCtx, { kind: "organization" }, input, meta(null))).rejects.toMatchObject({ status: 403, code: "forbidden" });
    await expect(listRulesAsAdmin(db(), adminCtx, { kind: "organization" })).rejects.toMatchObject({ status: 403 });
    const notSteppedUp = await ctxOf((await makeSession(o.user.id, o.organizationId)).token);
    await expect(createRuleAsAdmin(db(), notSteppedUp, { kind: "organization" }, input, meta(null))).rejects.toMatchObject({ status: 403, code: /step_up_required|mfa_enrolment_required/ });
  });

  it("V8.2.1 only operators see and change global rules; an operator's global rule is audited without an organization", async () => {
    const o = await owner();
    const input = form({ cidr: "198.18.7.0/24", action: "deny", reason: "abuse" });
    await expect(createRuleAsAdmin(db(), o.ctx, { kind: "global" }, input, meta(null))).rejects.toMatchObject({ status: 403 });
    await expect(listRulesAsAdmin(db(), o.ctx, { kind: "global" })).rejects.toMatchObject({ status: 403 });

    const op = await owner({ operator: true });
    const { id } = await createRuleAsAdmin(db(), op.ctx, { kind: "global" }, input, meta("198.51.100.9"));
    globalIds.push(id);
    expect(firewallDecision("198.18.7.20")).toEqual({ allowed: false, reason: "global_deny" });
    await expectAudited(db(), { action: "firewall.rule_created", organizationId: null, actorUserId: op.user.id, targetId: id, metadata: { scope: "global" } });

    await endRuleAsAdmin(db(), op.ctx, { kind: "global" }, id, "remove", meta("198.51.100.9"));
    expect(firewallDecision("198.18.7.20")).toEqual({ allowed: true });
    await expectAudited(db(), { action: "firewall.rule_removed", organizationId: null, actorUserId: op.user.id, targetId: id, metadata: { how: "remove" } });
  });

  it("V8.2.2 another organization's rules are invisible and cannot be removed or expired (404)", async () => {
    const a = await owner();
    const b = await owner();
    const { id } = await createRuleAsAdmin(db(), a.ctx, { kind: "organization" }, form({ cidr: "192.0.2.0/24", action: "deny", reason: "a's rule" }), meta(null));
    expect((await listRulesAsAdmin(db(), b.ctx, { kind: "organization" })).map((r) => r.id)).not.toContain(id);
    await expect(endRuleAsAdmin(db(), b.ctx, { kind: "organization" }, id, "remove", meta(null))).rejects.toMatchObject({ status: 404 });
    await expect(endRuleAsAdmin(db(), b.ctx, { kind: "organization" }, id, "expire", meta(null))).rejects.toMatchObject({ status: 404 });
    // nor through the global scope, even for an operator
    const op = await owner({ operator: true });
    await expect(endRuleAsAdmin(db(), op.ctx, { kind: "global" }, id, "remove", meta(null))).rejects.toMatchObject({ status: 404 });
    expect((await listRulesAsAdmin(db(), a.ctx, { kind: "organization" })).map((r) => r.id)).toContain(id);
  });

  it("refuses a rule that would lock out the caller's own address, unless confirmed", async () => {
    const o = await owner();
    const here = "203.0.113.50";
    const deny = form({ cidr: "203.0.113.0/24", action: "deny", reason: "oops" });
    await expect(createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, deny, meta(here))).rejects.toMatchObject({
      status: 409,
      message: SELF_BLOCK_MESSAGE,
      fieldErrors: { confirmSelfBlock: SELF_BLOCK_MESSAGE },
    });
    // an allow-list that does not include the caller's network shuts them out too
    const allowElsewhere = form({ cidr: "198.51.100.0/24", action: "allow", reason: "branch office" });
    await expect(createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, allowElsewhere, meta(here))).rejects.toMatchObject({ status: 409 });
    // an unknown address cannot be inside an allow-list
    await expect(createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, allowElsewhere, meta(null))).rejects.toMatchObject({ status: 409, message: /cannot see your IP address/ });
    expect(await listFirewallRules(db(), { scope: "organization", organizationId: o.organizationId })).toHaveLength(0);

    // allowing the caller's own network first is fine, then the branch office too
    const { id: homeId } = await createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, form({ cidr: "203.0.113.0/24", action: "allow", reason: "head office" }), meta(here));
    await createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, allowElsewhere, meta(here));
    // ending the rule that lets the caller in is refused as well, unless confirmed
    await expect(endRuleAsAdmin(db(), o.ctx, { kind: "organization" }, homeId, "expire", meta(here))).rejects.toMatchObject({ status: 409, message: SELF_BLOCK_END_MESSAGE });
    await endRuleAsAdmin(db(), o.ctx, { kind: "organization" }, homeId, "expire", meta(here), { confirmSelfBlock: true });
    expect(firewallDecision(here, { organizationId: o.organizationId })).toEqual({ allowed: false, reason: "org_allowlist" });

    // confirmed on purpose: recorded as such
    const { id } = await createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, { ...deny, confirmSelfBlock: "on" }, meta(here));
    await expectAudited(db(), { action: "firewall.rule_created", targetId: id, metadata: { selfBlockConfirmed: "yes" } });
  });

  it("expiring keeps the rule listed as expired and stops it at once; expiry in the past is refused", async () => {
    const o = await owner();
    const { id } = await createRuleAsAdmin(db(), o.ctx, { kind: "organization" }, form({ cidr: "192.0.2.128/25", action: "deny", reason: "temp" }), meta(null));
    expect(firewallDecision("192.0.2.200", { organizationId: o.organizationId }).allowed).toBe(false);
    await endRuleAsAdmin(db(), o.ctx, { kind: "organization" }, id, "expire", meta(null));
    expect(firewallDecision("192.0.2.200", { organizationId: o.organizationId }).allowed).toBe(true);
    const [listed] = await listRulesAsAdmin(db(), o.ctx, { kind: "organization" });
    expect(listed).toMatchObject({ id, expired: true });
    await expectAudited(db(), { action: "firewall.rule_removed", targetId: id, metadata: { how: "expire" } });
    // expiring twice finds nothing in force
    await expect(endRuleAsAdmin(db(), o.ctx, { kind: "organization" }, id, "expire", meta(null))).rejects.toMatchObject({ status: 404 });

    const past = firewallRuleFormSchema.safeParse({ cidr: "192.0.2.0/24", action: "deny", reason: "x", expiresAt: "2001-01-01T00:00" });
    expect(past.success).toBe(false);
    const hostBits = firewallRuleFormSchema.safeParse({ cidr: "192.0.2.7/24", action: "deny", reason: "x" });
    expect(hostBits.error?.issues[0]?.message).toMatch(/did you mean/);
  });

  it("addFirewallRule (the contract lib/defense uses): a system block with an expiry", async () => {
    const { id } = await addFirewallRule(db(), {
      scope: "global",
      organizationId: null,
      cidr: "198.18.99.1",
      action: "deny",
      reason: "credential stuffing",
      expiresAt: new Date(Date.now() + 3_600_000),
      createdBy: null,
    });
    globalIds.push(id);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(firewallDecision("198.18.99.1")).toEqual({ allowed: false, reason: "global_deny" });
    const [row] = (await listFirewallRules(db(), { scope: "global" })).filter((r) => r.id === id);
    expect(row).toMatchObject({ cidr: "198.18.99.1/32", createdBy: null, createdByName: null });
    await expect(addFirewallRule(db(), { scope: "organization", organizationId: null, cidr: "1.2.3.4", action: "deny", reason: "x", expiresAt: null, createdBy: null })).rejects.toMatchObject({ status: 400 });
    await expect(addFirewallRule(db(), { scope: "global", organizationId: null, cidr: "nope", action: "deny", reason: "x", expiresAt: null, createdBy: null })).rejects.toMatchObject({ status: 400 });
  });
});

import { describe, expect, it } from "vitest";
import { addFirewallRuleAction, endFirewallRuleAction } from "@/app/(app)/admin/firewall/actions";
import { getDb } from "@/db";
import { sessionCookieName } from "@/lib/credentials";
import { expectAudited } from "@/tests/audit";
import { stubEnv } from "@/tests/env";
import { makeSession, makeSteppedUpSession, makeTotpFactor, makeUser } from "@/tests/factories";
import { setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { SELF_BLOCK_MESSAGE } from "./manage";
import { listFirewallRules } from "./store";

const form = (o: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(o)) f.set(k, v);
  return f;
};

async function signedIn(opts: { role?: "viewer"; steppedUp?: boolean } = {}) {
  const owner = await makeUser();
  const who = opts.role ? await makeUser({ organizationId: owner.organizationId, role: opts.role }) : owner;
  // Not stepped up: enrolled in MFA, but the session's second factor is not recent.
  if (opts.steppedUp === false) await makeTotpFactor(who.user.id);
  const { token } = opts.steppedUp === false ? await makeSession(who.user.id, owner.organizationId) : await makeSteppedUpSession(who.user.id, owner.organizationId);
  stubEnv({ TRUST_PROXY: "vercel" });
  setRequestCookie(sessionCookieName(), token);
  setRequestHeaders({ "x-real-ip": "203.0.113.77" });
  return { ...who, organizationId: owner.organizationId };
}

describe("the firewall page's server actions", () => {
  it("V16.3.2 add, refuse a self-lock-out with a message next to the confirmation, then remove", async () => {
    const me = await signedIn();
    const added = await addFirewallRuleAction(undefined, form({ target: "organization", cidr: "198.51.100.0/24", action: "deny", reason: "abuse" }));
    expect(added).toEqual({ ok: true, message: "Deny rule for 198.51.100.0/24 added. It applies within seconds." });

    const self = await addFirewallRuleAction(undefined, form({ target: "organization", cidr: "203.0.113.0/24", action: "deny", reason: "typo" }));
    expect(self).toMatchObject({ ok: false, message: SELF_BLOCK_MESSAGE, fieldErrors: { confirmSelfBlock: SELF_BLOCK_MESSAGE }, values: { cidr: "203.0.113.0/24" } });

    const [rule] = await listFirewallRules(getDb(), { scope: "organization", organizationId: me.organizationId });
    const removed = await endFirewallRuleAction(undefined, form({ ruleId: rule!.id, target: "organization", how: "remove", confirm: "on" }));
    expect(removed).toEqual({ ok: true, message: "The rule for 198.51.100.0/24 was removed." });
    await expectAudited(getDb(), { action: "firewall.rule_removed", organizationId: me.organizationId, actorUserId: me.user.id, targetId: rule!.id });
    // removal needs the confirmation box
    expect(await endFirewallRuleAction(undefined, form({ ruleId: rule!.id, target: "organization", how: "remove" }))).toMatchObject({ ok: false, fieldErrors: { confirm: expect.any(String) } });
  });

  it("V8.2.1 a viewer is refused; an owner without a recent second factor is asked to step up", async () => {
    await signedIn({ role: "viewer" });
    const viewer = await addFirewallRuleAction(undefined, form({ target: "organization", cidr: "198.51.100.0/24", action: "deny", reason: "x" }));
    expect(viewer).toMatchObject({ ok: false, message: /permission/ });

    await signedIn({ steppedUp: false });
    const owner = await addFirewallRuleAction(undefined, form({ target: "organization", cidr: "198.51.100.0/24", action: "deny", reason: "x" }));
    expect(owner).toMatchObject({ ok: false, mfa: "step_up" });
  });

  it("V8.2.1 an organization owner cannot add global rules through the form", async () => {
    await signedIn();
    const res = await addFirewallRuleAction(undefined, form({ target: "global", cidr: "198.51.100.0/24", action: "deny", reason: "x" }));
    expect(res).toMatchObject({ ok: false, message: "Only ChargeKeep operators manage global firewall rules." });
  });
});

import type { Metadata } from "next";
import { currentRequestMeta } from "@/lib/http";
import { loadForPage, requirePagePermission } from "@/lib/gate";
import { FirewallRuleForm } from "@/components/firewall/rule-form";
import { FirewallRuleList, type ListedRule } from "@/components/firewall/rule-list";
import { type ListedFirewallRule, listRulesAsAdmin } from "@/lib/firewall";
import { addFirewallRuleAction, endFirewallRuleAction } from "./actions";

export const metadata: Metadata = { title: "Firewall" };

const toListed = (r: ListedFirewallRule): ListedRule => ({
  id: r.id,
  cidr: r.cidr,
  action: r.action,
  reason: r.reason,
  createdBy: r.createdBy ? (r.createdByName ?? "a former member") : "ChargeKeep (automatic)",
  created: r.createdAt.toISOString(),
  expires: r.expiresAt?.toISOString() ?? null,
  expired: r.expired,
});

/**
 * Organization network rules for admins with security:manage; operators also see and change the
 * global rules and the addresses the system blocked on its own (brute force, lib/defense).
 */
export default async function FirewallPage() {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const { ip } = await currentRequestMeta();
  const orgRules = await loadForPage(() => listRulesAsAdmin(db, ctx, { kind: "organization" }));
  const globalRules = ctx.user.isOperator ? await loadForPage(() => listRulesAsAdmin(db, ctx, { kind: "global" })) : null;
  const blocked = globalRules?.filter((r) => r.createdBy === null && !r.expired) ?? [];
  const manual = globalRules?.filter((r) => r.createdBy !== null || r.expired) ?? [];

  return (
    <section aria-labelledby="firewall-title">
      <h1 id="firewall-title" className="mb-2 text-2xl font-semibold">
        Firewall
      </h1>
      <p className="mb-2 text-sm text-slate-600">
        Deny rules block a network from {ctx.organization.name}. Once you add any allow rule, members can only use {ctx.organization.name} from the allowed networks. Changes apply within seconds and
        ask for your second factor.
      </p>
      <p className="mb-6 text-sm text-slate-700">
        Your connection comes from <strong>{ip ?? "an address we cannot see"}</strong>. A rule that would lock you out asks you to confirm first.
      </p>

      <div className="grid gap-8 lg:grid-cols-[minmax(0,24rem)_1fr]">
        <FirewallRuleForm action={addFirewallRuleAction} target="organization" title="Add a rule" />
        <section aria-labelledby="org-rules-title">
          <h2 id="org-rules-title" className="mb-3 text-lg font-medium">
            Rules of {ctx.organization.name}
          </h2>
          <FirewallRuleList rules={orgRules.map(toListed)} action={endFirewallRuleAction} target="organization" empty="No rules: members can sign in from any network." />
        </section>
      </div>

      {globalRules ? (
        <>
          <h2 className="mt-10 mb-2 text-xl font-semibold">Global rules (operators)</h2>
          <p className="mb-6 text-sm text-slate-600">These apply to every request, for every organization, before anything else runs. A global allow rule exempts a network from global deny rules.</p>
          <section aria-labelledby="blocked-title" className="mb-8">
            <h3 id="blocked-title" className="mb-3 text-lg font-medium">
              Currently blocked by the system
            </h3>
            <FirewallRuleList rules={blocked.map(toListed)} action={endFirewallRuleAction} target="global" empty="No address is blocked automatically right now." />
          </section>
          <div className="grid gap-8 lg:grid-cols-[minmax(0,24rem)_1fr]">
            <FirewallRuleForm action={addFirewallRuleAction} target="global" title="Add a global rule" />
            <section aria-labelledby="global-rules-title">
              <h3 id="global-rules-title" className="mb-3 text-lg font-medium">
                Global rules
              </h3>
              <FirewallRuleList rules={manual.map(toListed)} action={endFirewallRuleAction} target="global" empty="No global rules." />
            </section>
          </div>
        </>
      ) : null}
    </section>
  );
}

import "server-only";

/**
 * Network rules (CIDR allow/deny, global or per organization). Public face:
 * - addFirewallRule(db, input): the contract other parts use (lib/defense's automatic IP blocks);
 * - loadFirewall(db): boot, so the first request is already protected;
 * - firewallDecision(ip, { organizationId }): the in-memory decision (proxy.ts, the gate).
 * The dashboard's checked operations (permission, step-up, self-lock-out, audit) are in ./manage.
 */
export {
  addFirewallRule,
  ensureFirewallLoaded,
  expireFirewallRule,
  listFirewallRules,
  loadFirewall,
  removeFirewallRule,
  type FirewallRule,
  type FirewallRuleInput,
  type ListedFirewallRule,
} from "./store";
export { firewallDecision, firewallFreshness, refreshFirewall } from "./cache";
export { keepFirewallFresh, stopFirewallPush, FIREWALL_CHANNEL } from "./push";
export type { FirewallDecision } from "./rule-set";
export { normaliseCidr, ipMatchesCidr, CidrError } from "./cidr";
export { createRuleAsAdmin, endRuleAsAdmin, firewallRuleFormSchema, listRulesAsAdmin } from "./manage";
export { networkRefused, NETWORK_REFUSED_MESSAGES, isRefusalReason } from "./refusal";

/**
 * lib/firewall's second public face, for proxy.ts: the in-memory decision only. The main face
 * (index.ts) brings the rule store and the database, which must stay out of the proxy's bundle.
 */
export { firewallDecision } from "./cache";
export type { FirewallDecision } from "./rule-set";

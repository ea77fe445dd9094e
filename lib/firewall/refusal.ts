import { AppError } from "@/lib/errors";
import type { FirewallDecision } from "./rule-set";

type Refused = Extract<FirewallDecision, { allowed: false }>["reason"];

/**
 * What a refused member reads: the reason in general terms, never which rule or network matched
 * (that would help someone probe the allow-list). Shared by the gate's 403 and /network-refused.
 */
export const NETWORK_REFUSED_MESSAGES: Record<Refused, string> = {
  org_allowlist:
    "Your organization only allows access from its own networks, and you are connecting from outside them. Connect from your organization's network (for example the office or its VPN), or ask an administrator.",
  org_deny: "Your organization has blocked access from the network you are connecting from. Try another network, or ask an administrator.",
  global_deny: "Requests from your network are blocked by ChargeKeep's firewall. If you think this is a mistake, contact us from another network.",
};

export function networkRefused(reason: Refused): AppError {
  return new AppError("network_refused", 403, NETWORK_REFUSED_MESSAGES[reason]);
}

export function isRefusalReason(v: unknown): v is Refused {
  return typeof v === "string" && Object.hasOwn(NETWORK_REFUSED_MESSAGES, v);
}

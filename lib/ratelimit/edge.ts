import { now } from "@/lib/clock";
import { effectivePolicy, policies, windowMs, type PolicyName } from "./policies";
import { SlidingWindowCounter } from "./sliding-window";

/**
 * The limits proxy.ts counts itself (global-ip, api-ip): synchronous, in process memory, whatever
 * store the rest of the app uses, so no request waits on Redis before anything else happens and a
 * Redis outage never takes the site down (these are the "reading pages" limits: they fail open by
 * construction). Per process: with N instances an address gets up to N times the limit, which is
 * still a ceiling on a flood. No "server-only": the proxy imports it.
 */
export type EdgePolicyName = Extract<PolicyName, "global-ip" | "api-ip">;

export type EdgeDecision = { success: boolean; limit: number; remaining: number; resetAt: number; retryAfterSeconds: number };

const KEY = Symbol.for("chargekeep.ratelimit.edge");
const holder = globalThis as { [KEY]?: SlidingWindowCounter };
const counter = () => (holder[KEY] ??= new SlidingWindowCounter());

export function hitEdgeLimit(name: EdgePolicyName, ip: string, ipMultiplier: number): EdgeDecision {
  const policy = effectivePolicy(policies[name], ipMultiplier);
  const t = now().getTime();
  const d = counter().hit(`${name}:${ip}`, policy.limit, windowMs(policy.window), t);
  return { ...d, retryAfterSeconds: d.success ? 0 : Math.max(1, Math.ceil((d.resetAt - t) / 1000)) };
}

/** Tests only. */
export function resetEdgeLimitsForTests(): void {
  holder[KEY]?.clear();
}

// This file is also lib/ratelimit's second public face, for proxy.ts and lib/http's database-outage
// page (database-free; index.ts brings the shared stores).
export { policies } from "./policies";
export { refusalResponse, wantsHtml, type Refusal } from "./refusal-page";
export { waitSentence } from "./wait-sentence";

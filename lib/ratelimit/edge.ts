import { now } from "@/lib/clock";
import { effectivePolicy, policies, windowMs, type PolicyName } from "./policies";
import { SlidingWindowCounter } from "./sliding-window";

/**
 * The limits proxy.ts counts itself (global-ip, api-ip): synchronous, in process memory, whatever
 * store the rest of the app uses, so no request waits on Redis before anything else happens and a
 * Redis outage never takes the site down (these are the "reading pages" limits: they fail open by
 * construction). Without a shared store that count is per process (N instances: up to N times the
 * limit); with one, checkEdgeLimit adds the count shared by every instance. No "server-only": the
 * proxy imports it.
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

/**
 * The shared count (issue 21): with REDIS_URL or Upstash configured, lib/ratelimit registers a
 * counter on the configured store at boot (registerSharedEdgeLimits), so an address gets the limit
 * once across every instance instead of once per instance. This module cannot import it (the proxy
 * bundle has no "server-only" code), hence the registration on globalThis, as lib/firewall's source.
 * It answers null when the store cannot answer in time: the edge fails open.
 */
export type SharedEdgeCounter = (name: EdgePolicyName, ip: string) => Promise<EdgeDecision | null>;
const SHARED = Symbol.for("chargekeep.ratelimit.edge.shared");
const shared = globalThis as { [SHARED]?: SharedEdgeCounter };

export function setSharedEdgeCounter(counter: SharedEdgeCounter | undefined): void {
  shared[SHARED] = counter;
}

/**
 * The proxy's check: the in-memory count first (cheap, and a flood from one address is refused here
 * without a single call to Redis), then the shared count for what got through. Never throws.
 */
export async function checkEdgeLimit(name: EdgePolicyName, ip: string, ipMultiplier: number): Promise<EdgeDecision> {
  const local = hitEdgeLimit(name, ip, ipMultiplier);
  const counter = shared[SHARED];
  if (!local.success || !counter) return local;
  const across = await counter(name, ip).catch(() => null);
  return across ?? local;
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

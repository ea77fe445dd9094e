import "server-only";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
// The tokens module alone: the limiter must not pull the database (lib/crypto's keyring) into the proxy bundle.
import { sha256Hex } from "@/lib/crypto/tokens";
import type { LimitResult } from "./limit-result";
import { effectivePolicy, policies, type PolicyName } from "./policies";
import { RateLimitedError, UNAVAILABLE_MESSAGE, waitSentence } from "./rate-limited-error";
import { activeStore, resetStores } from "./select-store";

export type { LimitResult } from "./limit-result";
export { policies, type Policy, type PolicyName } from "./policies";
export { publishRedis } from "./redis-client";
export { registerSharedEdgeLimits, EDGE_SHARED_PAUSE_MS, edgeSharedTimeoutMs } from "./edge-shared";
export { isRateLimitedError, rateLimitHeaders, RateLimitedError } from "./rate-limited-error";

/** How long a fail-closed denial asks people to wait while the store is down. */
const DEGRADED_RETRY_SECONDS = 60;

/**
 * Counts one attempt against `policy` for `identifier` (a session id, user id, IP...). The identifier
 * is hashed first, so raw session ids never reach Redis. Never throws for a store failure: the
 * policy's failMode decides and the result says `degraded`.
 */
export async function consume(policy: PolicyName, identifier: string): Promise<LimitResult> {
  const rule = effectivePolicy(policies[policy], env().RATE_LIMIT_IP_MULTIPLIER);
  const store = activeStore();
  try {
    const d = await store.limit(policy, rule, sha256Hex(identifier));
    const retryAfterSeconds = d.success ? 0 : Math.max(1, Math.ceil((d.resetAt - now().getTime()) / 1000));
    return { ...d, retryAfterSeconds, degraded: false };
  } catch (e) {
    const allow = rule.failMode === "open";
    const reason = e instanceof Error ? e.message.split("\n")[0]!.slice(0, 200) : String(e);
    console.warn(`[ratelimit] ${store.kind} store unavailable (${reason}); policy ${policy} fails ${rule.failMode}: ${allow ? "allowed" : "denied"}`);
    const retryAfterSeconds = allow ? 0 : DEGRADED_RETRY_SECONDS;
    return { success: allow, limit: rule.limit, remaining: 0, resetAt: now().getTime() + retryAfterSeconds * 1000, retryAfterSeconds, degraded: true };
  }
}

/** consume(), throwing RateLimitedError (429) when denied. */
export async function enforce(policy: PolicyName, identifier: string): Promise<LimitResult> {
  const result = await consume(policy, identifier);
  if (!result.success) {
    const message = result.degraded ? UNAVAILABLE_MESSAGE : `${policies[policy].message} ${waitSentence(result.retryAfterSeconds)}`;
    throw new RateLimitedError(message, result);
  }
  return result;
}

/** Which store counts right now ("memory" | "redis" | "upstash"), for health checks and tests. */
export function rateLimitStoreKind(): "memory" | "redis" | "upstash" {
  return activeStore().kind;
}

/** Tests only: clear the memory store, the chosen store and the Redis connection. */
export function resetRateLimitsForTests(): void {
  resetStores();
}

import "server-only";
import type { Policy, PolicyName } from "./policies";

/** What a store answers; index.ts adds retryAfterSeconds and the degraded flag. */
export type StoreDecision = { success: boolean; limit: number; remaining: number; resetAt: number };

/**
 * One counting backend. `key` is already hashed. A store throws when it cannot answer (including a
 * timeout); consume() turns that into the policy's fail mode.
 */
export interface LimitStore {
  readonly kind: "memory" | "redis" | "upstash";
  limit(name: PolicyName, policy: Policy, key: string): Promise<StoreDecision>;
}

import "server-only";
import { now } from "@/lib/clock";
import { windowMs, type Policy, type PolicyName } from "./policies";
import { SlidingWindowCounter } from "./sliding-window";
import type { LimitStore, StoreDecision } from "./store";

/**
 * In-process sliding window with @upstash/ratelimit's arithmetic, so moving to Redis changes no
 * decision. Reads lib/clock so tests move time instead of sleeping. Counts are per process: one
 * instance only.
 */
export class MemoryStore implements LimitStore {
  readonly kind = "memory";
  private readonly counter = new SlidingWindowCounter();

  async limit(name: PolicyName, policy: Policy, key: string): Promise<StoreDecision> {
    return this.counter.hit(`${name}:${key}`, policy.limit, windowMs(policy.window), now().getTime());
  }

  clear(): void {
    this.counter.clear();
  }
}

import "server-only";
import { now } from "@/lib/clock";
import { windowMs, type Policy, type PolicyName } from "./policies";
import type { LimitStore, StoreDecision } from "./store";

type Counter = { window: number; current: number; previous: number };

const SWEEP_EVERY = 1_000;

/**
 * In-process sliding window with @upstash/ratelimit's arithmetic (the current fixed window plus the
 * previous one weighted by how much of it still overlaps), so moving to Redis changes no decision.
 * Reads lib/clock so tests move time instead of sleeping. Counts are per process: one instance only.
 */
export class MemoryStore implements LimitStore {
  readonly kind = "memory";
  private readonly counters = new Map<string, Counter & { expiresAt: number }>();
  private calls = 0;

  async limit(name: PolicyName, policy: Policy, key: string): Promise<StoreDecision> {
    const t = now().getTime();
    const size = windowMs(policy.window);
    const window = Math.floor(t / size);
    const id = `${name}:${key}`;
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(t);

    const held = this.counters.get(id);
    const counter: Counter =
      held?.window === window ? held : { window, current: 0, previous: held?.window === window - 1 ? held.current : 0 };
    const weightedPrevious = Math.floor((1 - (t % size) / size) * counter.previous);
    const resetAt = (window + 1) * size;
    const allowed = weightedPrevious + counter.current < policy.limit;
    if (allowed) counter.current += 1;
    // Kept until the window after next, when it no longer weighs on anything.
    this.counters.set(id, { ...counter, expiresAt: (window + 2) * size });
    return {
      success: allowed,
      limit: policy.limit,
      remaining: allowed ? Math.max(0, policy.limit - counter.current - weightedPrevious) : 0,
      resetAt,
    };
  }

  clear(): void {
    this.counters.clear();
  }

  /** Drops counters that can no longer matter, so rotating identifiers cannot grow the map forever. */
  private sweep(t: number): void {
    for (const [id, c] of this.counters) if (c.expiresAt <= t) this.counters.delete(id);
  }
}

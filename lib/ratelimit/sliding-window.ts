/**
 * The sliding-window arithmetic of @upstash/ratelimit (the current fixed window plus the previous
 * one weighted by how much of it still overlaps), in process memory and synchronous. No
 * "server-only" and no imports beyond types: proxy.ts counts the global per-IP limit with it
 * before anything else runs, and MemoryStore wraps it for the single-instance store.
 */
type Counter = { window: number; current: number; previous: number; expiresAt: number };

export type WindowDecision = { success: boolean; limit: number; remaining: number; resetAt: number };

const SWEEP_EVERY = 1_000;

export class SlidingWindowCounter {
  private readonly counters = new Map<string, Counter>();
  private calls = 0;

  /** Counts one hit for `id` at epoch ms `t` against `limit` per `sizeMs`. */
  hit(id: string, limit: number, sizeMs: number, t: number): WindowDecision {
    const window = Math.floor(t / sizeMs);
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(t);

    const held = this.counters.get(id);
    let counter: Counter;
    if (held?.window === window) counter = held;
    else {
      counter = { window, current: 0, previous: held?.window === window - 1 ? held.current : 0, expiresAt: (window + 2) * sizeMs };
      // Kept until the window after next, when it no longer weighs on anything.
      this.counters.set(id, counter);
    }
    const weightedPrevious = Math.floor((1 - (t % sizeMs) / sizeMs) * counter.previous);
    const allowed = weightedPrevious + counter.current < limit;
    if (allowed) counter.current += 1;
    return {
      success: allowed,
      limit,
      remaining: allowed ? Math.max(0, limit - counter.current - weightedPrevious) : 0,
      resetAt: (window + 1) * sizeMs,
    };
  }

  clear(): void {
    this.counters.clear();
  }

  get size(): number {
    return this.counters.size;
  }

  /** Drops counters that can no longer matter, so rotating identifiers cannot grow the map forever. */
  private sweep(t: number): void {
    for (const [id, c] of this.counters) if (c.expiresAt <= t) this.counters.delete(id);
  }
}

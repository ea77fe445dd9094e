import "server-only";
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { Policy, PolicyName } from "./policies";
import type { LimitStore, StoreDecision } from "./store";

/** Past this @upstash/ratelimit gives up and answers `success: true, reason: "timeout"`. */
const SDK_TIMEOUT_MS = 1_500;

type Options = {
  kind: "redis" | "upstash";
  /** An @upstash/redis client, or anything with the evalsha/eval it calls (the ioredis adapter). */
  redis: Pick<Redis, "evalsha" | "eval"> | Redis;
  prefix: string;
  timeoutMs?: number;
};

/**
 * @upstash/ratelimit's sliding window, one Ratelimit per policy (keys `<prefix>:<policy>:<hash>:<window>`).
 * It fails open on a timeout by design; that is turned into an error here so each policy's fail
 * mode decides instead.
 */
export class UpstashStore implements LimitStore {
  readonly kind: Options["kind"];
  private readonly limiters = new Map<PolicyName, Ratelimit>();

  constructor(private readonly options: Options) {
    this.kind = options.kind;
  }

  async limit(name: PolicyName, policy: Policy, key: string): Promise<StoreDecision> {
    const result = await this.limiter(name, policy).limit(key);
    if (result.reason === "timeout") throw new Error(`rate limit store timed out after ${this.options.timeoutMs ?? SDK_TIMEOUT_MS} ms`);
    return { success: result.success, limit: result.limit, remaining: result.remaining, resetAt: result.reset };
  }

  private limiter(name: PolicyName, policy: Policy): Ratelimit {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = new Ratelimit({
        // The SDK types this as the whole @upstash/redis client; with dynamicLimits, analytics and
        // protection off, the sliding window only calls evalsha and eval.
        redis: this.options.redis as Redis,
        limiter: Ratelimit.slidingWindow(policy.limit, policy.window),
        prefix: `${this.options.prefix}:${name}`,
        timeout: this.options.timeoutMs ?? SDK_TIMEOUT_MS,
        analytics: false,
        // Its in-process "blocked" cache only forgets an entry when asked about it again, so rotating
        // identifiers would grow it without bound; Redis is the one source of truth.
        ephemeralCache: false,
      });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}

import "server-only";
import { now } from "@/lib/clock";
import { AppError } from "@/lib/errors";
import type { LimitResult } from "./limit-result";

export { waitSentence } from "./wait-sentence";

export const UNAVAILABLE_MESSAGE =
  "We can't check for repeated attempts right now, so this is paused for your account's safety. Try again in a minute.";

/** A denial: 429 with a message that says how long to wait; errorResponse() adds the headers. */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  readonly limit: number;
  readonly remaining: number;
  /** Epoch ms. */
  readonly resetAt: number;

  constructor(message: string, result: Pick<LimitResult, "retryAfterSeconds" | "limit" | "remaining" | "resetAt">) {
    super("rate_limited", 429, message);
    this.name = "RateLimitedError";
    this.retryAfterSeconds = result.retryAfterSeconds;
    this.limit = result.limit;
    this.remaining = result.remaining;
    this.resetAt = result.resetAt;
  }
}

export function isRateLimitedError(e: unknown): e is RateLimitedError {
  return e instanceof RateLimitedError;
}

/** IETF draft RateLimit-* fields plus Retry-After, for a 429 response. */
export function rateLimitHeaders(e: RateLimitedError): Record<string, string> {
  const reset = Math.max(0, Math.ceil((e.resetAt - now().getTime()) / 1000));
  return {
    "retry-after": String(e.retryAfterSeconds),
    "ratelimit-limit": String(e.limit),
    "ratelimit-remaining": String(e.remaining),
    "ratelimit-reset": String(reset),
  };
}
